package dev.duplex.chat.boundary;

import dev.duplex.chat.control.ChatRooms;
import dev.duplex.chat.control.ChatStatus;
import dev.duplex.platform.engine.RawFrameWriter;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /chat-status}: the chat of this instance as JSON, for operators, load balancer health
 * checks and the cluster test:
 *
 * <pre>
 * {"mode":"hazelcast","instance":"5f0c…","instances":2,"rooms":1,"sessions":3,"members":2,"frames":"pre-encoded"}
 * </pre>
 *
 * <p>{@code frames} says how broadcasts are framed: {@code pre-encoded} (once per message, written
 * straight to the engine's connections; {@link RawFrameWriter}) or {@code engine} (per recipient,
 * through the WebSocket API: another engine, or no chat session yet).
 */
@WebServlet("/chat-status")
public class ChatStatusServlet extends HttpServlet {

    /** Looked up once: each Json.createXxx call looks the JSON provider up with a ServiceLoader. */
    private static final jakarta.json.JsonBuilderFactory JSON = Json.createBuilderFactory(java.util.Map.of());

    private static final long serialVersionUID = 1L;

    @Inject
    transient ChatRooms rooms;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ChatStatus status = rooms.status();
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(JSON.createObjectBuilder()
                .add("mode", status.mode())
                .add("instance", status.instance())
                .add("instances", status.instances())
                .add("rooms", status.rooms())
                .add("sessions", status.sessions())
                .add("members", status.members())
                .add("keptRooms", status.keptRooms())
                .add("held", status.held())
                .add("frames", RawFrameWriter.isActive() ? "pre-encoded" : "engine")
                .build().toString());
    }
}
