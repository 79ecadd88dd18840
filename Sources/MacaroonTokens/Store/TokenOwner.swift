/// Who a stored token belongs to: a user or a trusted publisher, exactly one.
///
/// The stored owner is the identity a token establishes: the stored-token
/// verification path takes it from here, never from the caller.
public enum TokenOwner: Sendable, Hashable, CustomStringConvertible {
    /// A user, by the server's user id.
    case user(id: String)
    /// A trusted publisher (PyPI: an OIDC publisher), by the server's publisher id.
    case trustedPublisher(id: String)

    /// The id, whichever kind of owner this is.
    public var id: String {
        switch self {
        case .user(let id), .trustedPublisher(let id): id
        }
    }

    /// The user id, if the owner is a user (the `user_id` column).
    public var userID: String? {
        if case .user(let id) = self { return id }
        return nil
    }

    /// The publisher id, if the owner is a trusted publisher (the `publisher_id` column).
    public var publisherID: String? {
        if case .trustedPublisher(let id) = self { return id }
        return nil
    }

    /// `user <id>` or `trusted publisher <id>`.
    public var description: String {
        switch self {
        case .user(let id): "user \(id)"
        case .trustedPublisher(let id): "trusted publisher \(id)"
        }
    }

    /// The owner from its two columns; `nil` unless exactly one is set.
    package init?(userID: String?, publisherID: String?) {
        switch (userID, publisherID) {
        case (let user?, nil): self = .user(id: user)
        case (nil, let publisher?): self = .trustedPublisher(id: publisher)
        default: return nil
        }
    }
}
