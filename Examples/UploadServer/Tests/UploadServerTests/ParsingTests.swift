import Foundation
import NIOCore
import Testing
@testable import UploadRegistry

/// The parsers of the registry's own inputs: store URLs, durations, upload forms, names.
struct ParsingTests {
    @Test func storeURLs() throws {
        #expect(try StoreURL(parsing: "sqlite:data/registry.sqlite") == .sqlite(path: "data/registry.sqlite"))
        #expect(
            try StoreURL(parsing: "postgres://reg:s%40cret@db.local:6543/registry")
                == .postgres(host: "db.local", port: 6543, user: "reg", password: "s@cret", database: "registry"))
        #expect(try StoreURL(parsing: "postgres://reg@127.0.0.1/registry") == .postgres(host: "127.0.0.1", port: 5432, user: "reg", password: nil, database: "registry"))
        #expect(try StoreURL(parsing: "postgres://reg:pw@h/db").description == "postgres://reg:<redacted>@h:5432/db")
        for bad in ["", "sqlite:", "mysql://u@h/db", "postgres://h/db", "postgres://u@h", "postgres://u@h/a/b"] {
            #expect(throws: RegistryError.self, "\(bad)") { try StoreURL(parsing: bad) }
        }
    }

    @Test func durations() {
        #expect(DurationText.seconds("90") == 90)
        #expect(DurationText.seconds("1s") == 1)
        #expect(DurationText.seconds("15m") == 900)
        #expect(DurationText.seconds("2h") == 7200)
        #expect(DurationText.seconds("30d") == 2_592_000)
        for bad in ["", "s", "0", "-5m", "1.5h", "1w", "99999999999999d", "٣s"] {
            #expect(DurationText.seconds(bad) == nil, "\(bad)")
        }
    }

    @Test func multipartForm() throws {
        let body = [
            "--XyZ", "Content-Disposition: form-data; name=\":action\"", "", "file_upload",
            "--XyZ", "Content-Disposition: form-data; name=\"classifiers\"", "", "A",
            "--XyZ", "Content-Disposition: form-data; name=\"classifiers\"", "", "B",
            "--XyZ", "Content-Disposition: form-data; name=\"content\"; filename=\"x-1.0.tar.gz\"", "Content-Type: application/octet-stream", "",
            "\u{0}\u{1}binary",
            "--XyZ--", "",
        ].joined(separator: "\r\n")
        let form = try MultipartForm(contentType: "multipart/form-data; boundary=XyZ", body: ByteBuffer(string: body))
        #expect(form.field(":action") == "file_upload")
        #expect(form.parts.filter { $0.name == "classifiers" }.count == 2)
        #expect(form.file("content")?.filename == "x-1.0.tar.gz")
        #expect(form.file("content").map { String(buffer: $0.body) } == "\u{0}\u{1}binary")
        #expect(form.field("content") == nil)
        #expect(throws: UploadFailure.self) { try MultipartForm(contentType: "application/json", body: ByteBuffer(string: body)) }
        #expect(throws: UploadFailure.self) { try MultipartForm(contentType: nil, body: ByteBuffer(string: body)) }
        // A truncated body: the unfinished part is never used.
        #expect(try MultipartForm(contentType: "multipart/form-data; boundary=XyZ", body: ByteBuffer(string: "--XyZ\r\ngarbage")).parts.isEmpty)
    }

    @Test("whoami's JSON is written directly: strings escaped as JSON requires, the two answers exact")
    func whoAmIJSON() throws {
        func json(_ text: String) -> String {
            var buffer = ByteBuffer()
            JSONText.writeString(text, to: &buffer)
            return String(buffer: buffer)
        }
        #expect(json("0b1e6f5c-7c1d-4a55-9d4c-2f3a1b0c9e8d") == #""0b1e6f5c-7c1d-4a55-9d4c-2f3a1b0c9e8d""#)
        #expect(json("") == "\"\"")
        #expect(json(#"a"b\c/d"#) == #""a\"b\\c/d""#)
        #expect(json("\u{0}\n\u{1F}\u{7F}") == #""\u0000\u000a\u001f"# + "\u{7F}\"")
        // A quote followed by a combining mark is one `Character`: escaped all the same, nothing repeated.
        #expect(json("\"\u{301}x") == #""\""# + "\u{301}x\"")
        for text in ["plain", #"a"b\c"#, "\u{0}\t\r\n\u{1F}", "\"\u{301}", "é😀\u{2028}"] {
            let decoded = try JSONSerialization.jsonObject(with: Data(json(text).utf8), options: .fragmentsAllowed) as? String
            #expect(decoded.map { Array($0.utf8) } == Array(text.utf8), "\(text.debugDescription)")
        }
        #expect(String(buffer: TokenAPIRoutes.whoAmI(user: nil)) == "{}")
        #expect(String(buffer: TokenAPIRoutes.whoAmI(user: #"u"1"#)) == #"{"user":"u\"1"}"#)
    }

    @Test func names() {
        #expect(RegistryDatabase.isValidProjectName("tiny-pkg"))
        #expect(RegistryDatabase.isValidProjectName("Tiny_Pkg.2"))
        for bad in ["", "-x", "x-", "a/b", "a b", "../x", "é", String(repeating: "a", count: 101)] {
            #expect(!RegistryDatabase.isValidProjectName(bad), "\(bad)")
        }
        #expect(RegistryDatabase.isValidFilename("tiny_pkg-0.1.0+local-py3-none-any.whl"))
        for bad in ["", ".hidden", "a/b", "..", "a\u{0}b", "x y.whl"] {
            #expect(!RegistryDatabase.isValidFilename(bad), "\(bad)")
        }
        #expect(RegistryDatabase.printable("a'b\u{7}c") == "a?b?c")
    }

    @Test func releaseFilenames() {
        #expect(ReleaseFilename("tiny_pkg-0.1.0+local-py3-none-any.whl") == ReleaseFilename(name: "tiny_pkg", version: "0.1.0+local", kind: .wheel))
        #expect(ReleaseFilename("tiny_pkg-0.1.0-1-py3-none-any.whl")?.version == "0.1.0")
        #expect(ReleaseFilename("tiny-pkg-0.1.0.tar.gz") == ReleaseFilename(name: "tiny-pkg", version: "0.1.0", kind: .sdist))
        #expect(ReleaseFilename("Tiny.Pkg-2.zip") == ReleaseFilename(name: "Tiny.Pkg", version: "2", kind: .sdist))
        #expect(ReleaseFilename("tiny-pkg-0.1.0.tar.gz")?.isNamed("tiny-pkg") == true)
        #expect(ReleaseFilename("tiny-pkg-0.1.0.tar.gz")?.isNamed("tiny") == false)
        for bad in ["x.whl", "a-1-py3-none.whl", "a--py3-none-any.whl", "a-1-b-c-d-e-f.whl", "a.tar.gz", "-1.tar.gz", "a-.zip", "a-1.exe", "a-1.tar.bz2"] {
            #expect(ReleaseFilename(bad) == nil, "\(bad)")
        }
    }

    /// packaging's `Version` and `canonicalize_version` (26.4, as twine installs it) give these for the same inputs.
    @Test func pep440Versions() throws {
        let normalized: [(String, String, String)] = [
            // input, str(Version(input)), canonicalize_version(input)
            ("1.0", "1.0", "1"),
            ("1.0.0", "1.0.0", "1"),
            ("0.0", "0.0", "0"),
            ("v1.2", "1.2", "1.2"),
            ("01.002.0300", "1.2.300", "1.2.300"),
            ("1!2.0", "1!2.0", "1!2"),
            ("0!1.0", "1.0", "1"),
            ("1.0a", "1.0a0", "1a0"),
            ("1.0-ALPHA.1", "1.0a1", "1a1"),
            ("1.0beta2", "1.0b2", "1b2"),
            ("1.0c3", "1.0rc3", "1rc3"),
            ("1.0pre", "1.0rc0", "1rc0"),
            ("1.0_preview_4", "1.0rc4", "1rc4"),
            ("1.0-1", "1.0.post1", "1.post1"),
            ("1.0.r", "1.0.post0", "1.post0"),
            ("1.0-rev.7", "1.0.post7", "1.post7"),
            ("1.0a.post1", "1.0a0.post1", "1a0.post1"),
            ("1.0a-1", "1.0a1", "1a1"),
            ("1.0a1-1", "1.0a1.post1", "1a1.post1"),
            ("1.0-dev", "1.0.dev0", "1.dev0"),
            ("1.0.dev.", "1.0.dev0", "1.dev0"),
            ("1.0.post2.dev3", "1.0.post2.dev3", "1.post2.dev3"),
            ("1.0+Ubuntu-01.x_y", "1.0+ubuntu.1.x.y", "1+ubuntu.1.x.y"),
            ("1.0rc1.post2.dev3+abc", "1.0rc1.post2.dev3+abc", "1rc1.post2.dev3+abc"),
            ("1.0a._post", "1.0a0.post0", "1a0.post0"),
            ("1.0a.", "1.0a0", "1a0"),
            ("1.0.post-", "1.0.post0", "1.post0"),
        ]
        for (input, text, canonical) in normalized {
            let version = try #require(PackageVersion(input), "\(input)")
            #expect(version.description == text, "\(input)")
            #expect(version.canonical == canonical, "\(input)")
        }
        // Equality is PEP 440's: trailing zeros of the release and spellings do not count; the rest does.
        #expect(PackageVersion("1.0") == PackageVersion("1.0.0"))
        #expect(PackageVersion("1.0.0a1") == PackageVersion("1a1"))
        #expect(PackageVersion("1.0-1") == PackageVersion("1.0.post1"))
        #expect(PackageVersion("0!1") == PackageVersion("1.0"))
        for (left, right) in [("1.0", "1.0.1"), ("1.0", "1.0a0"), ("1.0", "1.0.post0"), ("1.0", "1.0.dev0"), ("1.0", "1!1.0"),
                              ("1.0", "1.0+0"), ("1.0a1", "1.0b1"), ("10", "1.0"), ("1.1", "11")] {
            #expect(PackageVersion(left) != PackageVersion(right), "\(left) \(right)")
        }
        #expect(PackageVersion("1.0+local")?.isLocal == true && PackageVersion("1.0")?.isLocal == false)
        // Not versions, as packaging refuses them; hostile input is bounded and never traps.
        let huge = String(repeating: "9", count: 120)
        #expect(PackageVersion(huge + "." + huge)?.description == huge + "." + huge, "numbers are digits, never integers")
        #expect(PackageVersion(String(repeating: "1.", count: 127) + "1") != nil)
        for bad in ["", "v", "1.", ".1", "1..0", "1.0-", "1.0+", "1.0+a..b", "1.0+a_", "a1.0", "1.0abc", "1.0-1-1", "1!", "!1", "1!2!3", "1.0dev1a1", "1.0.post1a1", "1.0+é", "1.٣", "1.0\u{0}", "ⅰ.0",
                    String(repeating: "1", count: 256), String(repeating: "1.", count: 128) + "1"] {
            #expect(PackageVersion(bad) == nil, "\(bad)")
        }
        // packaging strips surrounding whitespace; here it is refused (no form field or file name needs it).
        #expect(PackageVersion(" 1.0") == nil && PackageVersion("1.0 ") == nil)
    }

    @Test func fileVersionsAgainstTheForm() throws {
        func check(_ filename: String, _ version: String, project: String = "tiny-pkg") throws -> String? {
            let release = try #require(ReleaseFilename(filename))
            return try release.checkVersion(against: try #require(PackageVersion(version)), normalizedName: project, filename: filename)
        }
        func refusal(_ filename: String, _ version: String) -> String? {
            do {
                _ = try check(filename, version)
                return nil
            } catch let failure as UploadFailure {
                return failure.status == .badRequest ? failure.message : "status \(failure.status)"
            } catch {
                return "\(error)"
            }
        }
        // Wheels: equal under PEP 440.
        #expect(try check("tiny_pkg-1.0.0-py3-none-any.whl", "1.0") == nil)
        #expect(try check("tiny_pkg-1.0rc1-py3-none-any.whl", "1.0-RC.1") == nil)
        #expect(refusal("tiny_pkg-1.0.1-py3-none-any.whl", "1.0") == "Version in filename should be '1.0' not '1.0.1'.")
        #expect(refusal("tiny_pkg-2.0-1-py3-none-any.whl", "1.0") == "Version in filename should be '1.0' not '2.0'.")
        #expect(refusal("tiny_pkg-x1-py3-none-any.whl", "1.0") == "Invalid wheel filename (invalid version): 'tiny_pkg-x1-py3-none-any'")
        // Sdists: the PEP 625 name, with the form's version normalized; the release is its canonical version.
        #expect(try check("tiny_pkg-1.0.tar.gz", "1.0") == "1")
        #expect(try check("tiny_pkg-1.0.0.tar.gz", "1.0.0") == "1")
        #expect(try check("tiny_pkg-1.0rc1.tar.gz", "1.0-rc1") == "1rc1")
        #expect(refusal("tiny_pkg-1.0.0.tar.gz", "1.0") == "Filename 'tiny_pkg-1.0.0.tar.gz' is invalid, should be 'tiny_pkg-1.0.tar.gz'.")
        #expect(refusal("tiny-pkg-1.0.tar.gz", "1.0") == "Filename 'tiny-pkg-1.0.tar.gz' is invalid, should be 'tiny_pkg-1.0.tar.gz'.")
        #expect(refusal("tiny_pkg-1.0.zip", "1.0") == "Filename 'tiny_pkg-1.0.zip' is invalid, should be 'tiny_pkg-1.0.tar.gz'.")
        #expect(refusal("tiny_pkg-2.0.tar.gz", "1.0") == "Filename 'tiny_pkg-2.0.tar.gz' is invalid, should be 'tiny_pkg-1.0.tar.gz'.")
        #expect(refusal("tiny_pkg-x.tar.gz", "1.0") == "Invalid source distribution filename: tiny_pkg-x.tar.gz")
    }

    @Test func formVersions() throws {
        #expect(try LegacyUploadRoutes.formVersion("1.0.0").description == "1.0.0")
        let help = " See https://packaging.python.org/specifications/core-metadata for more information."
        let refusals: [(String?, String)] = [
            (nil, "'version' is a required field." + help),
            ("", "'version' is a required field." + help),
            ("1.0 beta", "'1.0 beta' is invalid for 'version'." + help),
            ("x'\u{7}", "'x??' is invalid for 'version'." + help),
            ("1.0+Local.01", "The use of local versions in <Version('1.0+local.1')> is not allowed." + help),
        ]
        for (text, message) in refusals {
            do {
                _ = try LegacyUploadRoutes.formVersion(text)
                Issue.record("\(String(describing: text)) was accepted")
            } catch {
                #expect(error.status == .badRequest && error.message == message, "\(String(describing: text))")
            }
        }
    }
}
