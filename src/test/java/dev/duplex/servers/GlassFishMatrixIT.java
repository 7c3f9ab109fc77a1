package dev.duplex.servers;

/** The server matrix's black-box suite ({@link ServerMatrix}) on GlassFish 8 (Tyrus 2.2; Java 21+). */
class GlassFishMatrixIT extends ServerMatrix {

    @Override
    ServerKind kind() {
        return ServerKind.GLASSFISH;
    }
}
