package dev.duplex.servers;

/** The server matrix's black-box suite ({@link ServerMatrix}) on Open Liberty (webProfile-10.0, mpConfig, mpHealth, mpMetrics). */
class LibertyMatrixIT extends ServerMatrix {

    @Override
    ServerKind kind() {
        return ServerKind.LIBERTY;
    }
}
