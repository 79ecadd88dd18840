import Macaroons
@_exported import MacaroonTestSupport
@testable import MacaroonTokens

extension UploadRequestRecord {
    /// The request the record describes.
    var uploadRequest: UploadRequest {
        var identity: UploadRequest.Identity?
        if let userId { identity = .user(id: userId) }
        if let publisherId { identity = .trustedPublisher(id: publisherId, projectIDs: Set(publisherProjectIds ?? [])) }
        let project = projectName != nil || projectId != nil ? UploadRequest.Project(name: projectName ?? "", id: projectId) : nil
        return UploadRequest(project: project, identity: identity, now: now)
    }
}

func tokenError<T>(_ body: () throws -> T) -> TokenError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? TokenError
    }
}
