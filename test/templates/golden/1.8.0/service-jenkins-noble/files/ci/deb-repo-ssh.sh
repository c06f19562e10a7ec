#!/bin/sh
# Sets up ssh for dput's scp upload to the Debian repository, at CI job time, from two CI secrets:
#
#   DEB_REPO_SSH_KEY      the upload key (an ssh private key allowed to write to the repository's incoming
#                         directory). Its value is the key itself, or a path to a file holding it (GitLab
#                         "File" variables, Jenkins ssh key credentials), or the key base64-encoded (for CI
#                         systems whose variables cannot hold several lines, e.g. CircleCI: base64 -w0 key).
#   DEB_REPO_KNOWN_HOSTS  the repository host's known_hosts line(s) (from `ssh-keyscan HOST`, checked
#                         against the host's real fingerprint once), as text or as a path to a file.
#
# Writes ~/.ssh/deb-repo-key, adds the host lines to ~/.ssh/known_hosts and an IdentityFile entry to
# ~/.ssh/config (once); files mode 0600, ~/.ssh mode 0700. Existing entries are kept. Prints no secret.
set -eu
umask 077

fail() {
  printf 'deb-repo-ssh.sh: %s\n' "$1" >&2
  exit 1
}

[ -n "${DEB_REPO_SSH_KEY:-}" ] || fail 'DEB_REPO_SSH_KEY is not set (CI secret: the Debian repository upload key)'
[ -n "${DEB_REPO_KNOWN_HOSTS:-}" ] || fail 'DEB_REPO_KNOWN_HOSTS is not set (CI secret: known_hosts line(s) of the repository host)'

ssh_dir="$HOME/.ssh"
mkdir -p "$ssh_dir"
chmod 700 "$ssh_dir"

# Copies a secret given as text or as a path into a file (printf and [ are shell builtins: no argv).
secret_to_file() {
  if [ -f "$1" ]; then
    cat < "$1" > "$2"
  else
    printf '%s\n' "$1" > "$2"
  fi
}

key="$ssh_dir/deb-repo-key"
secret_to_file "$DEB_REPO_SSH_KEY" "$key.tmp"
if ! grep -q 'PRIVATE KEY' "$key.tmp"; then
  base64 -d < "$key.tmp" > "$key.b64" 2>/dev/null || { rm -f "$key.tmp" "$key.b64"; fail 'DEB_REPO_SSH_KEY is neither a private key, a file holding one, nor a base64-encoded key'; }
  mv "$key.b64" "$key.tmp"
  grep -q 'PRIVATE KEY' "$key.tmp" || { rm -f "$key.tmp"; fail 'DEB_REPO_SSH_KEY decodes from base64 to something that is not a private key'; }
fi
chmod 600 "$key.tmp"
mv "$key.tmp" "$key"

hosts="$ssh_dir/known_hosts"
touch "$hosts"
chmod 600 "$hosts"
secret_to_file "$DEB_REPO_KNOWN_HOSTS" "$ssh_dir/known_hosts.new"
while IFS= read -r line; do
  [ -n "$line" ] || continue
  grep -qxF -e "$line" "$hosts" || printf '%s\n' "$line" >> "$hosts"
done < "$ssh_dir/known_hosts.new"
rm -f "$ssh_dir/known_hosts.new"

config="$ssh_dir/config"
touch "$config"
chmod 600 "$config"
if ! grep -qxF '# deb-repo-ssh.sh: Debian repository upload key' "$config"; then
  # Prepended, not appended: ssh takes the first value of a setting, and an earlier `Host *` block
  # would otherwise win. IdentityFile adds to the keys ssh tries; nothing else changes.
  {
    printf '%s\n' '# deb-repo-ssh.sh: Debian repository upload key' 'Host *' '    IdentityFile ~/.ssh/deb-repo-key' 'Match all'
    cat < "$config"
  } > "$config.new"
  mv "$config.new" "$config"
fi
echo "deb-repo-ssh.sh: wrote $key, known_hosts and config in $ssh_dir"
