package dev.duplex.image.control;

import dev.duplex.platform.MemoryBudget;
import dev.duplex.platform.Timings;

import dev.duplex.image.entity.ImageReply;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What every {@code /image} connection shares: the limits from MicroProfile Config, the image
 * processor, the operation catalog and the bounded pool of worker threads. It starts with the
 * application (so that WebP support is registered before the first connection) and, when the
 * application stops, shuts the workers down and deregisters WebP support.
 */
@ApplicationScoped
public class ImageProcessing {

    private static final System.Logger LOG = System.getLogger(ImageProcessing.class.getName());

    @Inject
    @ConfigProperty(name = "duplex.image.max-message-bytes")
    long maxMessageBytes;

    @Inject
    @ConfigProperty(name = "duplex.image.max-control-bytes")
    long maxControlBytes;

    @Inject
    @ConfigProperty(name = "duplex.image.max-pixels")
    long maxPixels;

    @Inject
    @ConfigProperty(name = "duplex.image.max-output-bytes")
    long maxOutputBytes;

    @Inject
    @ConfigProperty(name = "duplex.image.threads")
    int threads;

    @Inject
    @ConfigProperty(name = "duplex.image.queue")
    int queue;

    @Inject
    @ConfigProperty(name = "duplex.image.max-pending-per-session")
    int maxPendingPerSession;

    @Inject
    Timings timings;

    private WebPSupport webp;
    private BoundedExecutor workers;
    private ImageProcessor processor;
    private OperationCatalog catalog;
    private ImageReply.Limits limits;

    @PostConstruct
    void start() {
        webp = WebPSupport.register();
        int workerCount = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        workers = new BoundedExecutor(workerCount, queue, "duplex-image");
        processor = new ImageProcessor(new ImageDecoder(maxPixels), new ImageEncoder(maxOutputBytes));
        catalog = new OperationCatalog();
        limits = new ImageReply.Limits(maxMessageBytes, maxControlBytes, maxPixels, maxOutputBytes,
                OperationCatalog.MAX_OPERATIONS, maxPendingPerSession);
        LOG.log(Level.INFO, "Image processing: {0} worker threads, queue of {1}, at most {2} pixels per image, "
                + "{3} images in progress per connection", workerCount, queue, String.valueOf(maxPixels), maxPendingPerSession);
    }

    /** Creates the bean when the application starts rather than at the first connection. */
    void started(@Observes @Initialized(ApplicationScoped.class) Object event) {
        LOG.log(Level.DEBUG, "Image processing ready");
    }

    @PreDestroy
    void stop() {
        workers.close();
        webp.close();
    }

    /**
     * The state of a new connection that sends its replies to the outbox and charges what its
     * images hold to {@code account}, an account of {@code budget}.
     */
    public ImageSession open(String sessionId, ReplySink outbox, MemoryBudget.Account account, MemoryBudget budget) {
        return new ImageSession(sessionId, outbox, processor, workers, catalog, limits, timings::record, account,
                ImageMemory.ceiling(budget));
    }

    public long maxMessageBytes() {
        return maxMessageBytes;
    }

    public long maxControlBytes() {
        return maxControlBytes;
    }
}
