"""A stand-in for GitHub Actions' ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), signing on request.

  id_token_endpoint.py DIRECTORY REQUEST_TOKEN KID
Prints the port it listens on (127.0.0.1), then serves:

  GET /token?audience=AUD  with "Authorization: bearer REQUEST_TOKEN", as GitHub's endpoint:
      signs the claims of DIRECTORY/claims.json with DIRECTORY/issuer.key (RS256, header kid KID) at
      the time of the request and answers {"count": 1, "value": "<JWT>"}. "aud" is AUD (GitHub's
      default without it: the owner's URL); "iat" and "nbf" are now and "exp" is "iat" plus
      "lifetime" (300), unless claims.json gives them; "jti" is new for each token unless given.
      Each JWT is appended to DIRECTORY/issued. 401 without the request token; 404 without claims.json.
  GET /jwks, GET /leak-keys: those files of DIRECTORY (the issuer's and the leak reporter's keys).
"""
import base64, http.server, json, os, subprocess, sys, time, urllib.parse, uuid

directory, request_token, kid = sys.argv[1:4]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(audience):
    with open(os.path.join(directory, "claims.json")) as file:
        claims = json.load(file)
    now = int(time.time())
    lifetime = claims.pop("lifetime", 300)
    claims.setdefault("iat", now)
    claims.setdefault("nbf", claims["iat"])
    claims.setdefault("exp", claims["iat"] + lifetime)
    claims.setdefault("jti", str(uuid.uuid4()))
    claims["aud"] = audience or "https://github.com/" + claims.get("repository_owner", "")
    header = {"alg": "RS256", "typ": "JWT", "kid": kid}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    signature = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", os.path.join(directory, "issuer.key")],
        input=signing_input.encode(), capture_output=True, check=True).stdout
    jwt = signing_input + "." + b64url(signature)
    with open(os.path.join(directory, "issued"), "a") as file:
        file.write(jwt + "\n")
    return jwt


class Endpoint(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/token":
            scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or token != request_token:
                return self.answer(401, {"message": "Bad credentials"})
            if not os.path.exists(os.path.join(directory, "claims.json")):
                return self.answer(404, {"message": "no claims"})
            audience = urllib.parse.parse_qs(url.query).get("audience", [None])[0]
            return self.answer(200, {"count": 1, "value": sign(audience)})
        if url.path in ("/jwks", "/leak-keys"):
            with open(os.path.join(directory, url.path[1:]), "rb") as file:
                return self.answer(200, file.read())
        self.answer(404, {"message": "Not Found"})


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
print(server.server_address[1], flush=True)
server.serve_forever()
