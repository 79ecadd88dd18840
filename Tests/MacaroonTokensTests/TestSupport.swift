import Foundation
import Macaroons
@_exported import MacaroonTestSupport
@testable import MacaroonTokens

/// An upload request from the JSON form used by the vector files
/// (`project_name`, `project_id`, `user_id`, `publisher_id`, `publisher_project_ids`, `now`).
func uploadRequest(from json: [String: Any]) -> UploadRequest {
    let name = json["project_name"] as? String
    let id = json["project_id"] as? String
    var identity: UploadRequest.Identity?
    if let user = json["user_id"] as? String { identity = .user(id: user) }
    if let publisher = json["publisher_id"] as? String {
        identity = .trustedPublisher(id: publisher, projectIDs: Set(json["publisher_project_ids"] as? [String] ?? []))
    }
    return UploadRequest(
        project: name != nil || id != nil ? UploadRequest.Project(name: name ?? "", id: id) : nil,
        identity: identity, now: (json["now"] as? NSNumber)?.int64Value ?? 0)
}

func tokenError<T>(_ body: () throws -> T) -> TokenError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? TokenError
    }
}
