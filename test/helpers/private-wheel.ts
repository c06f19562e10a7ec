import { spawnSync } from 'node:child_process';

/** Writes acme_private_dep-1.0-py3-none-any.whl into dir: a pure-Python wheel that only a test's private index has. */
export function writePrivateWheel(dir: string): void {
  const py = `
import base64, hashlib, sys, zipfile
files = {
    "acme_private_dep/__init__.py": "VALUE = 'private'\\n",
    "acme_private_dep-1.0.dist-info/METADATA": "Metadata-Version: 2.1\\nName: acme-private-dep\\nVersion: 1.0\\n",
    "acme_private_dep-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = []
for name, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    record.append(f"{name},sha256={digest},{len(text.encode())}")
record.append("acme_private_dep-1.0.dist-info/RECORD,,")
files["acme_private_dep-1.0.dist-info/RECORD"] = "\\n".join(record) + "\\n"
with zipfile.ZipFile(sys.argv[1] + "/acme_private_dep-1.0-py3-none-any.whl", "w") as z:
    for name, text in files.items():
        z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), text)
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stdout + r.stderr);
}
