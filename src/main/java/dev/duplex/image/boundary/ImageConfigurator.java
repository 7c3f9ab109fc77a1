package dev.duplex.image.boundary;

import dev.duplex.platform.DuplexConfigurator;
import jakarta.websocket.Extension;
import java.util.List;

/**
 * The shared handshake policy without permessage-deflate. PNG, JPEG, GIF and WebP are compressed
 * already: deflating them again costs CPU on both ends (Chromium compresses what it sends when the
 * extension is on) and saves next to nothing, and the JSON messages are a few hundred bytes.
 */
public class ImageConfigurator extends DuplexConfigurator {

    static final String PERMESSAGE_DEFLATE = "permessage-deflate";

    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        return super.getNegotiatedExtensions(installed, requested).stream()
                .filter(extension -> !PERMESSAGE_DEFLATE.equals(extension.getName()))
                .toList();
    }
}
