package dev.duplex.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * What the integration tests deploy and how they reach it. They deploy the WAR the build made,
 * exactly as users get it (web.xml, configuration defaults, pages), rather than a hand-picked subset.
 */
public final class Deployments {

    private Deployments() {
    }

    /** The packaged Duplex WAR ({@code target/duplex.war}, passed in by failsafe). */
    public static WebArchive duplexWar() {
        String path = System.getProperty("duplex.war", "target/duplex.war");
        File war = new File(path);
        if (!war.isFile()) {
            throw new IllegalStateException("No WAR at " + war.getAbsolutePath() + ": run the tests with `mvn verify`");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /** Where the WAR keeps its configuration defaults. */
    private static final String CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";

    /**
     * The packaged WAR with some configuration defaults changed (appended to its
     * microprofile-config.properties, where the last value of a key wins): for an IT that needs a
     * limit small enough to reach, on the one Payara start of its class.
     */
    public static WebArchive duplexWar(Map<String, String> settings) {
        WebArchive war = duplexWar();
        StringBuilder config = new StringBuilder();
        try (InputStream in = war.get(CONFIG).getAsset().openStream()) {
            config.append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.append("\n# Changed for this integration test\n");
        settings.forEach((key, value) -> config.append(key).append('=').append(value).append('\n'));
        war.delete(CONFIG);
        war.add(new StringAsset(config.toString()), CONFIG);
        return war;
    }

    /** Where the Payara Micro adapter deploys {@link #duplexWar()}: the archive's name, duplex.war. */
    static final String CONTEXT_ROOT = "/duplex/";

    /**
     * The deployment's base URL as the tests use it: with the context root and a trailing slash.
     * The Payara Micro adapter (3.1) takes the context root from the application list Payara
     * prints at start-up; now and then it reads that list before the application is in it and
     * reports only {@code http://host:port}, and every URL built on it misses the application.
     */
    public static URL base(URL reported) {
        String path = reported.getPath();
        if (path.isEmpty() || "/".equals(path)) {
            path = CONTEXT_ROOT;
        } else if (!path.endsWith("/")) {
            path += "/";
        }
        try {
            return new URL(reported.getProtocol(), reported.getHost(), reported.getPort(), path);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(reported.toString(), e);
        }
    }

    /** The ws: URI of an endpoint under the deployment's base URL, e.g. {@code websocket(base, "echo")}. */
    public static URI websocket(URL base, String path) {
        URI http = URI.create(base.toExternalForm()).resolve(path);
        String scheme = "https".equals(http.getScheme()) ? "wss" : "ws";
        return URI.create(scheme + http.toString().substring(http.getScheme().length()));
    }

    /** The origin (scheme://host:port) of the deployment, as a browser page from it would send. */
    public static String origin(URL base) {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }
}
