"""An upload burst against upload-server: COUNT small wheels of one project,
uploaded from WORKERS concurrent clients with Warehouse's legacy upload API
(multipart, as twine sends it), then every file checked: listed in the simple
index with its sha256, and downloaded with the same bytes.

Usage: upload_burst.py URL TOKEN COUNT WORKERS
"""
import base64
import concurrent.futures
import hashlib
import io
import re
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile

url, token, count, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
project = "burst-" + uuid.uuid4().hex[:8]
auth = "Basic " + base64.b64encode(f"__token__:{token}".encode()).decode()


def wheel(version):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{project.replace('-', '_')}/__init__.py", f"VERSION = {version!r}\n" + "#" * 2000)
    return f"{project.replace('-', '_')}-{version}-py3-none-any.whl", buffer.getvalue()


def upload(index):
    filename, content = wheel(f"1.0.{index}")
    digest = hashlib.sha256(content).hexdigest()
    boundary = uuid.uuid4().hex
    fields = {":action": "file_upload", "protocol_version": "1", "name": project, "version": f"1.0.{index}",
              "filetype": "bdist_wheel", "pyversion": "py3", "metadata_version": "2.1", "sha256_digest": digest,
              # Every digest twine sends: the server checks each one.
              "md5_digest": hashlib.md5(content).hexdigest(), "blake2_256_digest": hashlib.blake2b(content, digest_size=32).hexdigest()}
    body = io.BytesIO()
    for key, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="content"; filename="{filename}"\r\n'
               f'Content-Type: application/octet-stream\r\n\r\n'.encode() + content + f"\r\n--{boundary}--\r\n".encode())
    request = urllib.request.Request(url + "/legacy/", data=body.getvalue(), method="POST", headers={
        "Authorization": auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return filename, digest, response.status, ""
    except urllib.error.HTTPError as error:
        return filename, digest, error.code, error.reason


start = time.monotonic()
# The first upload creates the project; the rest race.
results = [upload(0)]
with concurrent.futures.ThreadPoolExecutor(workers) as pool:
    results += list(pool.map(upload, range(1, count)))
elapsed = time.monotonic() - start
failures = [r for r in results if r[2] != 200]

page = urllib.request.urlopen(f"{url}/simple/{project}/").read().decode()
links = dict(re.findall(r'href="([^"#]+)#sha256=([0-9a-f]{64})"', page))
lost, corrupt = [], []
for filename, digest, status, _ in results:
    link = next((href for href in links if href.endswith("/" + filename)), None)
    if link is None or links[link] != digest:
        lost.append(filename)
        continue
    if hashlib.sha256(urllib.request.urlopen(url + link).read()).hexdigest() != digest:
        corrupt.append(filename)

print(f"upload burst: {count} uploads from {workers} clients in {elapsed:.2f} s ({count / elapsed:.0f} uploads/s); "
      f"failed: {len(failures)}, lost: {len(lost)}, corrupt: {len(corrupt)}")
for failure in failures[:5]:
    print("  failed:", failure[0], failure[2], failure[3])
sys.exit(1 if failures or lost or corrupt else 0)
