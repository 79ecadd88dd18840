"""Raw HTTP against upload-server, for what twine and uv never send.

  uploads.py upload URL TOKEN PROJECT VERSION [FIELD=VALUE]...
      one upload with the md5, sha256 and blake2_256 digests twine sends, the fields
      given replacing them (FIELD= leaves one out); prints "STATUS REASON"
  uploads.py many URL TOKEN PROJECT COUNT WORKERS SIGNAL_PID DELAY
      COUNT uploads from WORKERS threads; after DELAY seconds sends SIGTERM to
      SIGNAL_PID; prints one JSON object per upload: filename, sha256, status
  uploads.py request METHOD URL TOKEN [JSON]             prints "STATUS REASON" then the body
"""
import base64, concurrent.futures, hashlib, io, json, os, signal, sys, threading, time, urllib.error, urllib.request, uuid, zipfile


def wheel(project, version):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{project.replace('-', '_')}/__init__.py", f"VERSION = {version!r}\n" + "#" * 20000)
    return f"{project.replace('-', '_')}-{version}-py3-none-any.whl", buffer.getvalue()


def send(request):
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.reason, response.read().decode(errors="replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.reason, error.read().decode(errors="replace"), dict(error.headers)
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        return 0, str(error), "", {}


def upload(url, token, project, version, overrides=()):
    filename, content = wheel(project, version)
    actual = hashlib.sha256(content).hexdigest()
    boundary = uuid.uuid4().hex
    fields = {":action": "file_upload", "protocol_version": "1", "name": project, "version": version,
              "filetype": "bdist_wheel", "pyversion": "py3", "metadata_version": "2.1",
              "md5_digest": hashlib.md5(content).hexdigest(), "sha256_digest": actual,
              "blake2_256_digest": hashlib.blake2b(content, digest_size=32).hexdigest()}
    for override in overrides:
        key, _, value = override.partition("=")
        if value:
            fields[key] = value
        else:
            fields.pop(key, None)
    body = io.BytesIO()
    for key, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="content"; filename="{filename}"\r\n'
               f'Content-Type: application/octet-stream\r\n\r\n'.encode() + content + f"\r\n--{boundary}--\r\n".encode())
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if token:
        headers["Authorization"] = "Basic " + base64.b64encode(f"__token__:{token}".encode()).decode()
    status, reason, _, response_headers = send(urllib.request.Request(url + "/legacy/", data=body.getvalue(), method="POST", headers=headers))
    return filename, actual, status, reason, response_headers


command = sys.argv[1]
if command == "upload":
    url, token, project, version = sys.argv[2:6]
    _, _, status, reason, headers = upload(url, token, project, version, sys.argv[6:])
    print(status, reason)
    print(headers.get("WWW-Authenticate", ""))
elif command == "many":
    url, token, project, count, workers, pid, delay = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8])
    threading.Timer(delay, lambda: os.kill(pid, signal.SIGTERM)).start()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for filename, digest, status, _, _ in pool.map(lambda i: upload(url, token, project, f"2.0.{i}"), range(count)):
            print(json.dumps({"filename": filename, "sha256": digest, "status": status}))
elif command == "request":
    method, url, token = sys.argv[2:5]
    data = sys.argv[5].encode() if len(sys.argv) > 5 else None
    headers = {"Authorization": "Bearer " + token} if token else {}
    if data:
        headers["Content-Type"] = "application/json"
    status, reason, body, _ = send(urllib.request.Request(url, data=data, method=method, headers=headers))
    print(status, reason)
    print(body)
