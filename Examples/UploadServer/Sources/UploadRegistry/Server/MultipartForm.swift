import MultipartKit
import NIOCore

/// A `multipart/form-data` body, as twine and uv send an upload: fields by
/// name (repeated fields such as `classifiers` keep every value) and the one
/// file field `content`.
struct MultipartForm {
    /// A part: its field name, file name if any, and bytes.
    struct Part {
        var name = ""
        var filename: String?
        var body = ByteBuffer()
    }

    /// The most parts a form may have (metadata fields, classifiers, the file).
    static let maximumParts = 1000
    /// The most bytes a field other than `content` may hold.
    static let maximumFieldBytes = 256 * 1024

    private(set) var parts: [Part] = []

    /// Parses `body` with the boundary from `contentType`.
    ///
    /// - Throws: ``UploadFailure`` (400) for a body that is not such a form.
    init(contentType: String?, body: ByteBuffer) throws(UploadFailure) {
        guard let contentType, let boundary = Self.boundary(of: contentType) else {
            throw UploadFailure(.badRequest, "Invalid request: the body must be multipart/form-data with a boundary.")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var current = Part()
        var tooLarge = false
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            let parameters = Self.parameters(of: value)
            current.name = parameters["name"] ?? ""
            current.filename = parameters["filename"]
        }
        parser.onBody = { chunk in
            if current.name != "content" && current.body.readableBytes + chunk.readableBytes > Self.maximumFieldBytes {
                tooLarge = true
                return
            }
            current.body.writeBuffer(&chunk)
        }
        parser.onPartComplete = {
            if parts.count < Self.maximumParts { parts.append(current) } else { tooLarge = true }
            current = Part()
        }
        do {
            try parser.execute(body)
        } catch {
            throw UploadFailure(.badRequest, "Invalid request: the multipart body cannot be parsed.")
        }
        guard !tooLarge else {
            throw UploadFailure(.badRequest, "Invalid request: too many form fields, or a field is too large.")
        }
        self.parts = parts
    }

    /// The first value of a text field.
    func field(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }.map { String(buffer: $0.body) }
    }

    /// The first part named `name` that carries a file.
    func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.filename != nil }
    }

    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(of contentType: String) -> String? {
        let pieces = contentType.split(separator: ";", maxSplits: 1)
        guard pieces.first?.trimmingCharacters(in: " \t").lowercased() == "multipart/form-data", pieces.count == 2 else {
            return nil
        }
        guard let boundary = parameters(of: "x;" + pieces[1])["boundary"], (1...70).contains(boundary.utf8.count) else {
            return nil
        }
        return boundary
    }

    /// The `key=value` parameters after the first `;` of a header value (quotes removed, keys lowercased).
    static func parameters(of value: String) -> [String: String] {
        var result: [String: String] = [:]
        for piece in value.split(separator: ";").dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let key = piece[..<equals].trimmingCharacters(in: " \t").lowercased()
            var text = piece[piece.index(after: equals)...].trimmingCharacters(in: " \t")
            if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
            result[key] = text
        }
        return result
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        let start = firstIndex { !set.contains($0) } ?? endIndex
        let end = lastIndex { !set.contains($0) }.map(index(after:)) ?? start
        return String(self[start..<end])
    }
}
