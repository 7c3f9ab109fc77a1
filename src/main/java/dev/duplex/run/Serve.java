package dev.duplex.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code mvn -Prun}: serves the WAR on Payara Micro in a child process, keeps Payara's console
 * output (some 600 lines per start) in a log file and shows only what a person needs: where it
 * listens, when it is ready, SEVERE records, and one line when it stopped.
 *
 * <p>Runs inside Maven's JVM ({@code exec:java}), so that a SIGTERM or Ctrl+C to {@code mvn} is
 * answered here: Payara gets SIGTERM (its own shutdown closes every WebSocket with 1001 "Server
 * shutting down"), is waited for, and Maven exits 0 with one line instead of a BUILD FAILURE and
 * exit status 143. Not part of the WAR (the pom excludes this package from it).
 *
 * <p>Arguments are {@code --name=value}: java, payara, payara-version, war, port, sslport, bind,
 * heap, jvm-args, tls-keystore, tls-password, tls-alias, preboot (the shared hardening commands),
 * work (a folder for the generated pre-boot file and Payara's temporary folder, {@code payara-run-tmp})
 * and log (Payara's log file).
 */
public final class Serve {

    private static final long STOP_WAIT_SECONDS = 60;
    private static final int MAX_SHOWN = 40;

    private final Map<String, String> args;
    private final PrintStream out;
    private volatile boolean stopping;

    private Serve(Map<String, String> args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    public static void main(String[] argv) throws Exception {
        new Serve(options(argv), System.out).run();
    }

    /** {@code --name=value} arguments by name. */
    static Map<String, String> options(String[] argv) {
        Map<String, String> options = new HashMap<>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, not " + arg);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private String arg(String name) {
        String value = args.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    /** Splits -Dduplex.jvmArgs the way a shell would split words, with '…' or "…" quoting. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unbalanced quote in " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** The Payara Micro command line, with its temporary folder ({@link PayaraVersion#tmpdirOption}). */
    List<String> command(Path preboot, String tmpdirOption) {
        List<String> command = new ArrayList<>(List.of(arg("java"), tmpdirOption,
                "-Djavax.net.ssl.keyStore=" + arg("tls-keystore"),
                "-Djavax.net.ssl.keyStorePassword=" + arg("tls-password"),
                "-Djavax.net.ssl.keyStoreType=PKCS12",
                "-Xmx" + arg("heap"), PayaraVersion.SERIAL_STARTUP));
        command.addAll(words(args.getOrDefault("jvm-args", "")));
        command.addAll(List.of("-jar", arg("payara"), "--deploy", arg("war"), "--contextroot", "/",
                "--port", arg("port"), "--sslport", arg("sslport"), "--sslcert", arg("tls-alias"),
                "--nohazelcast", "--disablephonehome", "--prebootcommandfile", preboot.toString()));
        return command;
    }

    /**
     * The listeners' address (-Dduplex.bind), then the hardening every deployment shares: the
     * commands of {@code --preboot} and, on Payara Micro 6, those only it accepts ({@link PayaraVersion}).
     */
    String preboot() throws IOException {
        String listeners = "configs.config.server-config.network-config.network-listeners.network-listener.";
        List<String> lines = new ArrayList<>(List.of(
                "set " + listeners + "http-listener.address=" + arg("bind"),
                "set " + listeners + "https-listener.address=" + arg("bind")));
        lines.addAll(PayaraVersion.of(arg("payara-version")).prebootCommands(Path.of(arg("preboot")).getParent()));
        return String.join("\n", lines) + "\n";
    }

    private void run() throws Exception {
        // Maven's JVM starts Payara (--java is its java.home): Payara Micro 7 on Java 17 would fail
        // deep in its start-up with an UnsupportedClassVersionError; say what to do instead.
        PayaraVersion payaraVersion = PayaraVersion.of(arg("payara-version"));
        var problem = payaraVersion.javaProblem(Runtime.version().feature());
        if (problem.isPresent()) {
            out.println(problem.get());
            throw new IllegalStateException(problem.get());
        }
        Path work = Path.of(arg("work"));
        Files.createDirectories(work);
        Path preboot = work.resolve("run-preboot.txt");
        Files.writeString(preboot, preboot(), StandardCharsets.UTF_8);
        Path log = Path.of(arg("log"));
        String shownLog = shortPath(log);
        out.printf("Starting Duplex on Payara Micro %s, listening on %s; Payara's log: %s%n",
                arg("payara-version"), arg("bind"), shownLog);
        // not the integration tests' target/payara-tmp, which their build empties
        List<String> command = command(preboot, PayaraVersion.tmpdirOption(work.resolve("payara-run-tmp")));
        Process payara = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        payara.getOutputStream().close(); // Payara reads nothing from its input
        long started = System.nanoTime();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop = new Thread(() -> stop(payara, shownLog, stopped), "duplex-run-stop");
        Runtime.getRuntime().addShutdownHook(stop);

        boolean ready = follow(payara, log, started);
        if (stopping) {
            stopped.await(); // the shutdown hook prints the one line and ends the JVM with 0
            return;
        }
        Runtime.getRuntime().removeShutdownHook(stop);
        int code = payara.waitFor();
        out.printf("Payara Micro exited with %d %s; the end of its log (%s):%n", code,
                ready ? "while serving" : "before it was ready", shownLog);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(out::println);
        throw new IllegalStateException("Payara Micro exited with " + code + "; see " + shownLog);
    }

    /**
     * Shows the log's ready line and its errors as they come, until Payara exits.
     *
     * @return whether Payara reported ready
     */
    private boolean follow(Process payara, Path log, long started) throws IOException, InterruptedException {
        boolean ready = false;
        int shown = 0;
        StringBuilder pending = new StringBuilder();
        byte[] buffer = new byte[8192];
        try (InputStream in = Files.newInputStream(log)) {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    if (!payara.isAlive()) {
                        return ready;
                    }
                    TimeUnit.MILLISECONDS.sleep(100);
                    continue;
                }
                pending.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                for (int nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
                    String line = pending.substring(0, nl);
                    pending.delete(0, nl + 1);
                    PayaraLog.Entry entry = PayaraLog.parse(line).orElse(null);
                    if (entry == null || stopping) {
                        continue;
                    }
                    if (entry.ready() && !ready) {
                        ready = true;
                        out.printf("Duplex is ready after %.0f s: open http://localhost:%s/ (https and wss on "
                                + "https://localhost:%s/). Ctrl+C stops it.%n",
                                (System.nanoTime() - started) / 1e9, arg("port"), arg("sslport"));
                    } else if (entry.shown() && shown < MAX_SHOWN) {
                        shown++;
                        out.printf("Payara %s [%s] %s%s%n", entry.level(), entry.logger(), entry.message(),
                                shown == MAX_SHOWN ? " (further ones only in the log)" : "");
                    }
                }
            }
        }
    }

    /** The shutdown hook: a SIGTERM or Ctrl+C to Maven stops Payara cleanly and exits 0. */
    private void stop(Process payara, String shownLog, CountDownLatch stopped) {
        stopping = true;
        long begin = System.nanoTime();
        try {
            payara.destroy(); // SIGTERM: Payara's own shutdown closes every session with 1001
            if (!payara.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                payara.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                out.printf("Duplex stopped: Payara Micro did not stop within %d s and was killed; see %s%n",
                        STOP_WAIT_SECONDS, shownLog);
            } else {
                out.printf("Duplex stopped: Payara Micro shut down in %.1f s (log: %s)%n",
                        (System.nanoTime() - begin) / 1e9, shownLog);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            payara.destroyForcibly();
            out.println("Duplex stopped: interrupted while waiting for Payara Micro; see " + shownLog);
        } finally {
            out.flush();
            stopped.countDown();
            // Stopping on a signal is how a served application ends: not a failed build. Without this,
            // the JVM would exit 143 (or 130) after Maven printed a BUILD FAILURE for the exec.
            Runtime.getRuntime().halt(0);
        }
    }

    private static String shortPath(Path path) {
        Path here = Path.of("").toAbsolutePath();
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(here) ? here.relativize(absolute).toString() : absolute.toString();
    }
}
