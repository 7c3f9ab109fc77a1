package dev.duplex.bench;

import dev.duplex.bench.connect.ConnectScenario;
import dev.duplex.bench.draw.DrawScenario;
import dev.duplex.bench.echo.EchoScenario;
import dev.duplex.bench.fanout.FanoutScenario;
import dev.duplex.bench.game.GameScenario;
import dev.duplex.bench.feed.FeedLagScenario;
import dev.duplex.bench.feed.FeedScenario;
import dev.duplex.bench.flood.FloodScenario;
import dev.duplex.bench.image.ImageScenario;
import dev.duplex.bench.report.JfrTop;
import dev.duplex.bench.report.Report;
import dev.duplex.bench.report.Summary;
import dev.duplex.bench.serve.Serve;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code duplex-bench}: a WebSocket load tool. {@code java -jar target/duplex-bench.jar help}.
 * Results go to standard output (the table, then one JSON line); progress and errors to standard
 * error. Exit code 0 when the run worked, 1 when it ran but lost, mismatched or failed messages,
 * 2 on a bad command line.
 */
public final class Bench {

    static final Set<String> FLAGS = Set.of("binary", "allow-remote", "help", "no-check", "markdown", "no-ack");

    static final String USAGE = """
            duplex-bench: WebSocket load generator and reference servers (loopback only unless --allow-remote)

              echo     --url ws://127.0.0.1:8080/echo [--connections 64] [--size 32] [--binary]
                       [--window 1 | --rate MSGS_PER_S] [--duration 10s] [--warmup 2s] [--drain 5s]
                       [--max-messages N] [--max-in-flight 100000] [--subprotocol echo]
                       (tcp://HOST:PORT drives a raw TCP echo with the same messages)
              image    --url ws://127.0.0.1:8080/image [--op grayscale] [--param radius=3]
                       [--width 1920] [--height 1080] [--format png|jpeg] [--connections 1]
                       [--duration 10s] [--warmup 2s] [--max-messages N] [--no-check]
              fanout   --url ws://127.0.0.1:8080/chat[,ws://127.0.0.1:8081/chat] [--members 1000]
                       [--publishers 1] [--rate 100] [--room NAME] [--duration 10s] [--warmup 2s]
                       [--max-messages N]
              feed     --url ws://127.0.0.1:8080/feed[,...] [--subscribers 5000] [--items 20]
                       [--subprotocol feed.json|feed.bin] [--stalled 10%] [--topic stocks] [--rate R]
                       [--duration 15s] [--warmup 5s] [--stall-settle 5s] [--check-timeout 20s]
                       [--check-url URL]   (scenario F2; src/bench/feed.sh starts the servers)
              feed-lag --url ws://127.0.0.1:8080/feed [--read-rates 20KB,200KB,0] [--subprotocol feed.json|feed.bin]
                       [--topic stocks] [--no-ack] [--duration 60s] [--warmup 5s]
                       (throttled readers: staleness, conflation, how they end; docs/FEED.md "Flow control")
              game     --url ws://127.0.0.1:8080/game[,ws://127.0.0.1:8081/game] [--rooms 100] [--players 8]
                       [--input-hz 30] [--duration 20s] [--warmup 5s] [--server-pid PID[,PID]]
                       (scenario G1; two URLs of one cluster: the cross-instance G1; docs/PERFORMANCE.md "Game")
              draw     --url ws://127.0.0.1:8080/draw [--boards 50] [--members 10] [--rate 60] [--stroke-length 60]
                       [--board-prefix d1-RUN] [--duration 20s] [--warmup 5s] [--drain 5s]
                       (scenario D1: sample-to-peer latency; src/bench/draw.sh starts the server)
              connect  --url ws://127.0.0.1:8080/echo --mode storm|hold [--connections 1000]
                       [--concurrency 64] [--duration 10s] [--metrics-url http://127.0.0.1:P/metrics]
              flood    --url ws://127.0.0.1:8080/echo [--connections 25000] [--sources 40] [--first-source 2]
                       [--concurrency 2000] [--duration 90s] [--answer-timeout 60s] [--hold 10s]
                       [--canary-interval 100ms] [--settle 60s] [--server-pid PID] [--server-log FILE]
                       [--gc-log FILE]   (connection flood from 127.0.0.x with a canary; src/bench/flood.sh)
              serve    jetty|netty|tcp --port PORT [--host 127.0.0.1]
              summary  RESULTS.jsonl [--markdown]       table of medians and ratios from compare runs
              jfr-top  RECORDING.jfr [--top 25] [--match TEXT ...]   where a JFR profile's samples are

            Common options: --server-pid PID (server CPU and memory), --threads N (client event loops),
            --connect-concurrency N, --label key=value (added to the JSON line), --allow-remote.
            --max-messages N ends the measured window early once N answers (deliveries for fanout) arrived.
            Durations: 500ms, 10s, 2m. Sizes: 32, 4KiB, 1MiB.
            """;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs one command and returns the process exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || Set.of("help", "--help", "-h").contains(args.get(0))) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String command = args.get(0);
        try {
            Options options = Options.parse(args.subList(1, args.size()), FLAGS);
            if (options.flag("help")) {
                out.print(USAGE);
                return 0;
            }
            Map<String, String> labels = options.labels();
            Result result;
            switch (command) {
                case "echo" -> result = scenario(options, EchoScenario::settings, EchoScenario::run, err);
                case "image" -> result = scenario(options, ImageScenario::settings, ImageScenario::run, err);
                case "fanout" -> result = scenario(options, FanoutScenario::settings, FanoutScenario::run, err);
                case "feed" -> result = scenario(options, FeedScenario::settings, FeedScenario::run, err);
                case "feed-lag" -> result = scenario(options, FeedLagScenario::settings, FeedLagScenario::run, err);
                case "game" -> result = scenario(options, GameScenario::settings, GameScenario::run, err);
                case "draw" -> result = scenario(options, DrawScenario::settings, DrawScenario::run, err);
                case "connect" -> result = scenario(options, ConnectScenario::settings, ConnectScenario::run, err);
                case "flood" -> result = scenario(options, FloodScenario::settings, FloodScenario::run, err);
                case "serve" -> {
                    Serve.run(options, out);
                    return 0;
                }
                case "summary" -> {
                    return Summary.run(options, out);
                }
                case "jfr-top" -> {
                    return JfrTop.run(options, out);
                }
                default -> throw new UsageException("unknown command '" + command + "'; try: help");
            }
            out.print(Report.table(result));
            out.println(Report.json(result, labels));
            out.flush();
            return clean(result) ? 0 : 1;
        } catch (UsageException e) {
            err.println("duplex-bench " + command + ": " + e.getMessage());
            err.println("(duplex-bench help lists the commands and options)");
            return 2;
        }
    }

    /** Runs a scenario on the settings its options give, once every option has been understood. */
    private static <S> Result scenario(Options options, Function<Options, S> settings, Scenario<S> scenario,
            PrintStream progress) throws InterruptedException {
        S parsed = settings.apply(options);
        options.rejectUnknown();
        return scenario.run(parsed, progress);
    }

    /** A scenario's run method. */
    @FunctionalInterface
    private interface Scenario<S> {
        Result run(S settings, PrintStream progress) throws InterruptedException;
    }

    /** Whether nothing was lost, mismatched or failed. */
    static boolean clean(Result result) {
        for (String key : List.of("lost", "mismatches", "out_of_order", "errors")) {
            Object value = result.get(key);
            if (value instanceof Number n && n.longValue() > 0) {
                return false;
            }
        }
        return true;
    }
}
