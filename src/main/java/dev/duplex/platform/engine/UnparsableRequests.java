package dev.duplex.platform.engine;

import dev.duplex.platform.RequestTarget;
import java.lang.System.Logger.Level;

/**
 * Hands the requests the engine would answer by itself, before any application code runs, to the
 * application instead, so that they get Duplex's answer (status, {@code "<status> <reason>"} body
 * and the security headers of every page) rather than the engine's: a path with a bad {@code %}
 * escape ({@code GET /%zz}: Payara answered an empty 200 and logged a SEVERE stack trace), a path
 * that does not decode to UTF-8, holds a control character or climbs above the root (a bare
 * 400 "Invalid URI"), and TRACE (a bare 405). See {@link RequestTarget#unparsable}.
 *
 * <p>The engine adapter passes every request to {@link #check} once its headers are parsed, before
 * the engine routes it ({@link EngineAdapter.HttpListener#onHeadersParsed}; on Payara a Grizzly HTTP
 * probe on each listener's codec). For such a request this reroutes it to the application's root
 * (and a TRACE to a GET), so that the engine passes it on, and sets the header
 * {@value Engine#REFUSED_REQUEST_HEADER} to the answer; the handshake filter answers it. It removes
 * that header from every other request, so a client cannot set it. Plain Java on the SPI: without
 * the engine's hook these requests keep the engine's answers.
 *
 * <p>The first request it sees proves the codec it sits on serves this application's requests:
 * that turns {@value Engine#ENGINE_ERROR_FRAMING} active (the codec whose {@code X-Frame-Options}
 * was set is the one answering).
 */
final class UnparsableRequests implements EngineAdapter.RequestCheck {

    private static final System.Logger LOG = System.getLogger(UnparsableRequests.class.getName());

    private final String root;
    private final Capability framing;
    private volatile String framingProof;
    private volatile boolean failed;

    /**
     * @param root    the application's root path, where the marked requests are sent
     * @param framing the capability that the first request seen proves ({@link #proveFraming})
     */
    UnparsableRequests(String root, Capability framing) {
        this.root = root;
        this.framing = framing;
    }

    /** Turns the framing capability active with {@code detail} when the first request is seen. */
    void proveFraming(String detail) {
        this.framingProof = detail;
    }

    @Override
    public void check(EngineAdapter.ParsedRequest request) {
        if (failed) {
            return;
        }
        try {
            request.removeHeader(Engine.REFUSED_REQUEST_HEADER);
            String answer = null;
            if ("TRACE".equals(request.method())) {
                answer = "405 Method Not Allowed";
                request.reroute("GET", root);
            } else if (RequestTarget.unparsable(request.target()) != null) {
                answer = "400 Malformed URI";
                request.reroute(request.method(), root);
            }
            if (answer != null) {
                request.setHeader(Engine.REFUSED_REQUEST_HEADER, answer);
            }
            String proof = framingProof;
            if (proof != null) {
                framingProof = null;
                framing.active(proof);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            failed = true;
            LOG.log(Level.WARNING, "Requests the engine cannot parse keep its own answers from now on ({0})", e.toString());
        }
    }
}
