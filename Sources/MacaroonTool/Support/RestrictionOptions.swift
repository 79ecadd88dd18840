import ArgumentParser
import MacaroonTokens
import Macaroons

/// The restriction options shared by `restrict` and `mint`.
struct RestrictionOptions: ParsableArguments {
    @Option(name: .customLong("project"), help: ArgumentHelp("Allow only this project (repeatable; names are PEP 503 normalized).", valueName: "name"))
    var projects: [String] = []

    @Option(name: .customLong("project-id"), help: ArgumentHelp("Allow only this project id (repeatable).", valueName: "id"))
    var projectIDs: [String] = []

    @Option(name: .customLong("user-id"), help: ArgumentHelp("Allow only requests by this user.", valueName: "id"))
    var userID: String?

    @Option(name: .customLong("not-before"), help: ArgumentHelp("Not valid before TIME (Unix seconds or RFC 3339; default now).", valueName: "time"))
    var notBefore: String?

    @Option(name: .long, help: ArgumentHelp("Not valid from TIME on (Unix seconds or RFC 3339).", valueName: "time"))
    var expires: String?

    @Option(name: .long, help: ArgumentHelp("Valid for DURATION from --not-before (e.g. 90s, 15m, 1h, 7d).", valueName: "duration"))
    var ttl: String?

    @Option(name: .customLong("caveat"), help: ArgumentHelp("Append this first-party caveat as written (repeatable).", valueName: "raw"))
    var rawCaveats: [String] = []

    func validate() throws {
        if expires != nil && ttl != nil { throw ValidationError("give --expires or --ttl, not both") }
        if notBefore != nil && expires == nil && ttl == nil { throw ValidationError("--not-before needs --expires or --ttl") }
    }

    /// The caveats to append, in a fixed order: expiry, projects, project ids, user, raw caveats.
    func caveats(now: Int64) throws -> [[UInt8]] {
        var caveats: [[UInt8]] = []
        do {
            if expires != nil || ttl != nil {
                let start = try notBefore.map(TimeParsing.time) ?? now
                let end = try expires.map(TimeParsing.time) ?? TimeParsing.adding(TimeParsing.duration(ttl ?? ""), to: start)
                caveats.append(try ExpirationCaveat(expiresAt: end, notBefore: start).encoded)
            }
            if !projects.isEmpty { caveats.append(try ProjectNamesCaveat(projects).encoded) }
            if !projectIDs.isEmpty { caveats.append(try ProjectIDsCaveat(projectIDs).encoded) }
            if let userID { caveats.append(try RequestUserCaveat(userID: userID).encoded) }
        } catch let error as CaveatError {
            throw ToolError(error.detail)
        }
        caveats += rawCaveats.map { Array($0.utf8) }
        return caveats
    }

    var isEmpty: Bool {
        projects.isEmpty && projectIDs.isEmpty && userID == nil && expires == nil && ttl == nil && rawCaveats.isEmpty
    }
}
