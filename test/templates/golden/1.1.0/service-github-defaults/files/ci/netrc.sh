#!/bin/sh
# Run at the start of a CI job: `sh ci/netrc.sh`. Writes the read-only installer login for this project's
# package index into ~/.netrc, where pip finds it whatever pip configuration is in use - also when a tool puts
# --index-url on pip's command line (dh-virtualenv does), so the secret never has to be part of a URL.
#
#   PYPI_INSTALL_USER, PYPI_INSTALL_PASSWORD   CI secrets: the read-only login (both unset: nothing to do)
#   PIP_INDEX_URL                              the index, when set (pip prefers it too); else index-url in pip.conf
#   NETRC                                      the file to write (pip honours it as well); default ~/.netrc
#
# ~/.netrc is merged, not replaced: other entries keep every byte, an entry for the index host is updated in
# place, a new one goes before a `default` entry. The result is written to a temp file beside it (mode 0600)
# and renamed over it. The password never reaches a command line or the log: awk reads it from its
# environment, and nothing here prints it (not even under `sh -x`).
set -eu

# ${VAR:+set}: test for a value without expanding it (sh -x would print the expansion).
if [ -z "${PYPI_INSTALL_USER:+set}" ] || [ -z "${PYPI_INSTALL_PASSWORD:+set}" ]; then
  echo "ci/netrc.sh: PYPI_INSTALL_USER and PYPI_INSTALL_PASSWORD are not both set; ~/.netrc left as it is"
  exit 0
fi

# The index pip will use: PIP_INDEX_URL, else index-url of [install] or [global] in the project's pip.conf.
url=${PIP_INDEX_URL:-}
conf="$(dirname "$0")/../pip.conf"
if [ -z "$url" ] && [ -f "$conf" ]; then
  url=$(LC_ALL=C awk '
    /^[ \t]*[#;]/ { next }
    /^\[/ { s = $0; sub(/^\[[ \t]*/, "", s); sub(/[ \t]*\].*$/, "", s); sec = tolower(s); next }
    /^[^ \t][^=:]*[=:]/ {
      k = $0; sub(/[ \t]*[=:].*$/, "", k); k = tolower(k); gsub(/_/, "-", k)
      v = $0; sub(/^[^=:]*[=:][ \t]*/, "", v); sub(/[ \t\r]*$/, "", v)
      if (k == "index-url" && sec == "install") inst = v
      if (k == "index-url" && sec == "global") glob = v
    }
    END { if (inst != "") print inst; else if (glob != "") print glob }' "$conf")
fi
if [ -z "$url" ]; then
  echo "ci/netrc.sh: no index-url in pip.conf and PIP_INDEX_URL is not set; ~/.netrc left as it is"
  exit 0
fi

# The name pip looks up: the URL's host without port (requests cuts the netloc at the first colon).
host=$(printf '%s\n' "$url" | sed -n 's|^[A-Za-z][A-Za-z0-9+.-]*://\([^/?#]*\).*$|\1|p')
case $host in
  *@*) echo "ci/netrc.sh: the index URL carries credentials; remove them, this script supplies the login" >&2; exit 2 ;;
  \[*) echo "ci/netrc.sh: pip cannot match an IPv6 index address in ~/.netrc; use a host name" >&2; exit 2 ;;
  '') echo "ci/netrc.sh: cannot read a host from the index URL" >&2; exit 2 ;;
esac
host=${host%%:*}

netrc=${NETRC:-${HOME:?HOME is not set}/.netrc}
target=$netrc
if [ -L "$netrc" ]; then target=$(readlink -f -- "$netrc"); fi # keep a dotfile manager's symlink
umask 077
tmp="$(dirname -- "$target")/.netrc.$$.tmp"
trap 'rm -f -- "$tmp"' EXIT
(set -C && : >"$tmp")
if [ -f "$target" ]; then
  src=$target
  if [ -s "$target" ] && [ -n "$(tail -c 1 -- "$target")" ]; then final_nl=0; else final_nl=1; fi
else
  src=/dev/null
  final_nl=1
fi

# The merge, the same algorithm as create-pyservice's src/credentials/netrc.ts (tested against each other).
# shellcheck disable=SC2016 # $0 and friends below are awk's
merge='
function fail(msg) {
  if (FAILAT) msg = "line " lineat(FAILAT) ": " msg
  printf "ci/netrc.sh: cannot update %s: %s\n", file, msg > "/dev/stderr"
  exit 3
}
function lineat(pos,    i, l) { l = 1; for (i = 1; i < pos && i <= length(T); i++) if (substr(T, i, 1) == "\n") l++; return l }
function ws(c) { return c == " " || c == "\t" || c == "\r" || c == "\n" }
function nexttok(comments,    c, i, n) {
  n = length(T)
  for (;;) {
    while (P <= n && ws(substr(T, P, 1))) P++
    if (P > n) return 0
    c = substr(T, P, 1)
    if (comments && c == "#") { i = index(substr(T, P), "\n"); P = (i == 0) ? n + 1 : P + i; continue }
    TS = P; TV = ""
    if (c == "\"") {
      TQ = 1; i = P + 1
      while (i <= n) {
        c = substr(T, i, 1)
        if (c == "\"") { P = i + 1; TE = P; return 1 }
        if (c == "\\" && i < n) { TV = TV substr(T, i + 1, 1); i += 2; continue }
        TV = TV c; i++
      }
      FAILAT = TS; fail("a quoted token has no closing quote")
    }
    TQ = 0; i = P
    while (i <= n && !ws(c = substr(T, i, 1))) {
      if (c == "\\" && i < n) { TV = TV substr(T, i + 1, 1); i += 2 } else { TV = TV c; i++ }
    }
    P = i; TE = i
    return 1
  }
}
function macrobody(    i, j, n, line) {
  n = length(T); i = TE
  if (!TQ && i <= n && ws(substr(T, i, 1))) i++
  for (;;) {
    if (i > n) { P = n + 1; return 1 }
    j = index(substr(T, i), "\n")
    if (j == 0) { P = n + 1; return 1 }
    line = substr(T, i, j - 1)
    if (line == "" || line == "\r") { P = i + j; return 0 }
    i += j
  }
}
function parse(    k, kw, key, ks) {
  P = 1; NE = 0
  if (!nexttok(1)) return
  for (;;) {
    kw = TV; ks = TS
    if (kw == "macdef") {
      if (!nexttok(0)) { FAILAT = ks; fail("macdef without a name") }
      NE++; kind[NE] = "macdef"; open[NE] = macrobody()
      if (!nexttok(1)) return
      continue
    }
    if (kw != "machine" && kw != "default") { FAILAT = ks; fail("unexpected \"" kw "\" where machine, default or macdef should start an entry") }
    k = ++NE; kind[k] = kw; kws[k] = ks; name[k] = ""; ls[k] = 0; ps[k] = 0; open[k] = 0
    if (kw == "machine") {
      if (!nexttok(0)) { FAILAT = ks; fail("machine without a host name") }
      name[k] = TV; ne[k] = TE
    }
    for (;;) {
      if (!nexttok(1)) return
      if (TV == "machine" || TV == "default" || TV == "macdef") break
      key = TV; ks = TS
      if (key != "login" && key != "user" && key != "password" && key != "account") { FAILAT = ks; fail("unexpected \"" key "\" in an entry (expected login, password or account)") }
      if (!nexttok(0)) { FAILAT = ks; fail(key " without a value") }
      if (key == "password") { ps[k] = TS; pe[k] = TE; pv[k] = TV }
      else if (key != "account") { ls[k] = TS; le[k] = TE; lv[k] = TV }
    }
  }
}
function word(v, what,    i, c, out, plain) {
  if (v == "") { FAILAT = 0; fail("the " what " is empty") }
  plain = 1
  for (i = 1; i <= length(v); i++) {
    c = substr(v, i, 1)
    if (index(CTRL, c)) { FAILAT = 0; fail("the " what " contains a line break or control character") }
    if (c == " " || c == "\"" || c == "\\" || (i == 1 && c == "#")) plain = 0
  }
  if (plain) return v
  out = "\""
  for (i = 1; i <= length(v); i++) { c = substr(v, i, 1); out = out ((c == "\\" || c == "\"") ? "\\" : "") c }
  return out "\""
}
# Edits are applied from the end of the text so earlier offsets stay valid.
function edit(at, del, ins) { NED++; ea[NED] = at; ed[NED] = del; ei[NED] = ins }
function applyedits(    i, j, t, out) {
  for (i = 1; i <= NED; i++) for (j = i + 1; j <= NED; j++) if (ea[j] > ea[i]) {
    t = ea[i]; ea[i] = ea[j]; ea[j] = t; t = ed[i]; ed[i] = ed[j]; ed[j] = t; t = ei[i]; ei[i] = ei[j]; ei[j] = t
  }
  out = T
  for (i = 1; i <= NED; i++) out = substr(out, 1, ea[i] - 1) ei[i] substr(out, ea[i] + ed[i])
  return out
}
BEGIN { for (i = 1; i < 32; i++) CTRL = CTRL sprintf("%c", i); CTRL = CTRL sprintf("%c", 127) }
{ T = (NR == 1) ? $0 : T "\n" $0 }
END {
  if (NR > 0 && finalnl) T = T "\n"
  user = ENVIRON["PYPI_INSTALL_USER"]; pass = ENVIRON["PYPI_INSTALL_PASSWORD"]
  wh = word(host, "host"); wu = word(user, "login"); wp = word(pass, "password")
  parse()
  eol = index(T, "\r\n") ? "\r\n" : "\n"
  m = 0; d = 0
  for (k = 1; k <= NE; k++) {
    if (kind[k] == "machine" && name[k] == host) { m++; mk = k }
    if (kind[k] == "default" && !d) d = k
  }
  if (m > 1) { FAILAT = kws[mk]; fail("there are " m " entries for " host "; remove all but one") }
  if (m == 1) {
    if (ls[mk] && lv[mk] != user) edit(ls[mk], le[mk] - ls[mk], wu)
    if (ps[mk] && pv[mk] != pass) edit(ps[mk], pe[mk] - ps[mk], wp)
    if (!ls[mk] && !ps[mk]) edit(ne[mk], 0, " login " wu " password " wp)
    else if (!ls[mk]) edit(ne[mk], 0, " login " wu)
    else if (!ps[mk]) edit(le[mk], 0, " password " wp)
    action = NED ? "updated" : "unchanged"
    R = applyedits()
  } else {
    entry = "machine " wh " login " wu " password " wp
    if (d) {
      st = kws[d]
      while (st > 1 && substr(T, st - 1, 1) != "\n") st--
      if (substr(T, st, kws[d] - st) ~ /^[ \t]*$/) edit(st, 0, entry eol)
      else edit(kws[d], 0, eol entry eol)
      R = applyedits()
    } else {
      pre = (T != "" && substr(T, length(T), 1) != "\n") ? eol : ""
      if (NE && kind[NE] == "macdef" && open[NE]) pre = pre eol
      R = T pre entry eol
    }
    action = "added"
  }
  printf "%s", R > out
  print action
}'
action=$(LC_ALL=C awk -v host="$host" -v out="$tmp" -v finalnl="$final_nl" -v file="$netrc" "$merge" "$src")
chmod 600 "$tmp"
mv -f -- "$tmp" "$target"
trap - EXIT
echo "ci/netrc.sh: $netrc: entry for $host $action (mode 0600)"
