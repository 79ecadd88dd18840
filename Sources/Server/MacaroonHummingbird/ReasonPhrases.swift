#if Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Keeps a response's own reason phrase on an HTTP/1.1 status line.
///
/// Hummingbird's HTTP/1 codec writes the standard phrase for every known status
/// (`403 Forbidden`), dropping `HTTPResponse.Status.reasonPhrase`. twine prints the
/// status line's phrase and nothing else of a refusal, so a registry that wants
/// twine users to read `Invalid API Token: …` installs this handler:
///
/// ```swift
/// let app = Application(
///     router: router,
///     server: .http1(configuration: .init(additionalChannelHandlers: [ReasonPhrases.channelHandler()])),
///     configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
///
/// It has no effect on HTTP/2, which has no reason phrases.
public enum ReasonPhrases {
    /// A new handler for one connection (call it in `additionalChannelHandlers`).
    public static func channelHandler() -> any RemovableChannelHandler {
        PhraseRecorder()
    }
}

/// Placed after the HTTP/1 codec: notes the phrase of each response head, in order,
/// and puts a ``PhraseWriter`` before the codec.
final class PhraseRecorder: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = NIOHTTPTypes.HTTPResponsePart
    typealias OutboundOut = NIOHTTPTypes.HTTPResponsePart

    private let writer = PhraseWriter()

    func handlerAdded(context: ChannelHandlerContext) {
        guard let codec = try? context.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self) else { return }
        try? context.pipeline.syncOperations.addHandler(writer, position: .before(codec))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let response) = unwrapOutboundIn(data) {
            writer.phrases.append((response.status.code, response.status.reasonPhrase))
        }
        context.write(data, promise: promise)
    }
}

/// Placed before the HTTP/1 codec: gives each response head the phrase noted for it.
final class PhraseWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Status codes and phrases of the heads on their way, oldest first (one connection, one event loop).
    var phrases = CircularBuffer<(code: Int, phrase: String)>()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), let (code, phrase) = phrases.popFirst() else {
            context.write(data, promise: promise)
            return
        }
        // The code must match: a head that did not pass the recorder never takes another's phrase.
        if code == Int(head.status.code), !phrase.isEmpty, phrase != head.status.reasonPhrase {
            head.status = .custom(code: head.status.code, reasonPhrase: phrase)
        }
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}
#endif
