import Foundation
import Testing

/// The real Python packaging clients (twine 7.0.0, uv 0.13.8, pip) in the
/// virtual environment `scripts/python-clients` makes.
struct PythonClients {
    let bin: String

    /// The clients from `PYTHON_CLIENTS_BIN` or the repository's `.build-python-clients/venv/bin`; `nil` when absent.
    static let installed: PythonClients? = {
        let bin = ProcessInfo.processInfo.environment["PYTHON_CLIENTS_BIN"]
            ?? Programs.repositoryDirectory.appendingPathComponent(".build-python-clients/venv/bin").path
        for tool in ["twine", "uv", "pip", "python"] where !FileManager.default.isExecutableFile(atPath: bin + "/" + tool) {
            return nil
        }
        return PythonClients(bin: bin)
    }()

    /// Why the real-client tests cannot run here, or `nil` when they can. In CI they always run (and fail if they must).
    static var unavailableReason: String? {
        installed == nil
            ? "NOT RUN: twine/uv/pip are not installed; run scripts/python-clients (or set PYTHON_CLIENTS_BIN)" : nil
    }

    /// The trait of a test that needs the clients: run where they are installed, always in CI.
    static var needed: ConditionTrait {
        .enabled(if: installed != nil || Programs.inCI, Comment(rawValue: unavailableReason ?? ""))
    }

    /// The clients, or a failure saying how to install them.
    static func require() throws -> PythonClients {
        guard let installed else { throw TestFailure(unavailableReason!) }
        return installed
    }

    /// Environment for the clients: no keyring, no user config, no network indexes.
    private var environment: [String: String] {
        ["PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "PIP_CONFIG_FILE": "/dev/null", "UV_NO_CONFIG": "1",
         "NO_COLOR": "1", "TWINE_USERNAME": "", "TWINE_PASSWORD": ""]
    }

    func twineUpload(url: String, token: String, files: [String]) throws -> CommandResult {
        try Programs.run(
            bin + "/twine",
            ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url", url + "/legacy/", "-u", "__token__", "-p", token] + files,
            environment: environment)
    }

    func uvPublish(url: String, token: String, files: [String]) throws -> CommandResult {
        try Programs.run(bin + "/uv", ["publish", "--publish-url", url + "/legacy/", "--token", token] + files, environment: environment)
    }

    func pipDownload(url: String, requirement: String, into directory: String) throws -> CommandResult {
        try Programs.run(
            bin + "/pip",
            ["download", "--no-deps", "--disable-pip-version-check", "--no-cache-dir", "--index-url", url + "/simple/", "-d", directory,
             requirement],
            environment: environment)
    }

    /// Builds a tiny real package: a wheel and an sdist of `name` `version` in `directory`; returns their paths.
    func buildPackage(name: String, version: String, in directory: String) throws -> (wheel: String, sdist: String) {
        let result = try Programs.run(bin + "/python", ["-c", Self.builder, name, version, directory])
        guard result.status == 0 else { throw TestFailure("building \(name) \(version) failed: \(result)") }
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard lines.count == 2 else { throw TestFailure("unexpected builder output: \(result)") }
        return (lines[0], lines[1])
    }

    /// A minimal valid wheel (zip with module, METADATA, WHEEL, RECORD) and sdist (tar.gz with PKG-INFO).
    private static let builder = #"""
        import base64, hashlib, io, os, sys, tarfile, zipfile
        name, version, out = sys.argv[1:4]
        dist = name.replace("-", "_")
        metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: A tiny test package\n".encode()
        files = {
            f"{dist}/__init__.py": f"VERSION = {version!r}\n".encode(),
            f"{dist}-{version}.dist-info/METADATA": metadata,
            f"{dist}-{version}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: upload-server-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        }
        record = "".join(
            f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\n"
            for path, data in files.items()) + f"{dist}-{version}.dist-info/RECORD,,\n"
        files[f"{dist}-{version}.dist-info/RECORD"] = record.encode()
        wheel = os.path.join(out, f"{dist}-{version}-py3-none-any.whl")
        with zipfile.ZipFile(wheel, "w") as archive:
            for path, data in files.items():
                archive.writestr(path, data)
        sdist = os.path.join(out, f"{dist}-{version}.tar.gz")
        with tarfile.open(sdist, "w:gz") as archive:
            for path, data in {"PKG-INFO": metadata, "pyproject.toml": f"[project]\nname = \"{name}\"\nversion = \"{version}\"\n".encode(),
                               f"{dist}/__init__.py": files[f"{dist}/__init__.py"]}.items():
                info = tarfile.TarInfo(f"{dist}-{version}/{path}")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        print(wheel)
        print(sdist)
        """#
}

/// The SHA-256 of a file, in hex (through Python's hashlib: the tests check the server's digests independently).
func sha256(ofFile path: String, clients: PythonClients) throws -> String {
    let result = try Programs.run(
        clients.bin + "/python", ["-c", "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())", path])
    guard result.status == 0 else { throw TestFailure("hashing failed: \(result)") }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}
