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
        #expect(ReleaseFilename("tiny_pkg-0.1.0+local-py3-none-any.whl") == ReleaseFilename(name: "tiny_pkg", version: "0.1.0+local"))
        #expect(ReleaseFilename("tiny_pkg-0.1.0-1-py3-none-any.whl")?.version == "0.1.0")
        #expect(ReleaseFilename("tiny-pkg-0.1.0.tar.gz") == ReleaseFilename(name: "tiny-pkg", version: "0.1.0"))
        #expect(ReleaseFilename("Tiny.Pkg-2.zip") == ReleaseFilename(name: "Tiny.Pkg", version: "2"))
        #expect(ReleaseFilename("tiny-pkg-0.1.0.tar.gz")?.isNamed("tiny-pkg") == true)
        #expect(ReleaseFilename("tiny-pkg-0.1.0.tar.gz")?.isNamed("tiny") == false)
        for bad in ["x.whl", "a-1-py3-none.whl", "a--py3-none-any.whl", "a-1-b-c-d-e-f.whl", "a.tar.gz", "-1.tar.gz", "a-.zip", "a-1.exe", "a-1.tar.bz2"] {
            #expect(ReleaseFilename(bad) == nil, "\(bad)")
        }
    }
}
