package dev.duplex.image.control;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Registers TwelveMonkeys' WebP reader with ImageIO, and takes it away again.
 *
 * <p>ImageIO's registry is one per JVM, filled once from the class path of whoever touched it
 * first. Inside an application server that is the server, so a WAR's plugins (in
 * {@code WEB-INF/lib}) are never found by the automatic scan. The reader is therefore registered
 * explicitly when the application starts, put ahead of any other WebP reader, and deregistered
 * when it stops, so that the JVM-wide registry does not keep the undeployed application's classes.
 * When the same reader class is already registered (a plain JVM whose class path holds it, as in
 * unit tests), it is used as it is and left in place.
 */
final class WebPSupport implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WebPSupport.class.getName());

    private final ImageReaderSpi added;

    private WebPSupport(ImageReaderSpi added) {
        this.added = added;
    }

    static WebPSupport register() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        ImageReaderSpi present = registry.getServiceProviderByClass(WebPImageReaderSpi.class);
        if (present != null) {
            LOG.log(Level.DEBUG, "The WebP reader is already registered with ImageIO");
            return new WebPSupport(null);
        }
        ImageReaderSpi ours = new WebPImageReaderSpi();
        registry.registerServiceProvider(ours, ImageReaderSpi.class);
        Iterator<ImageReaderSpi> all = registry.getServiceProviders(ImageReaderSpi.class, true);
        while (all.hasNext()) {
            ImageReaderSpi other = all.next();
            if (other != ours && Arrays.stream(other.getFormatNames()).anyMatch("webp"::equalsIgnoreCase)) {
                registry.setOrdering(ImageReaderSpi.class, ours, other);
            }
        }
        LOG.log(Level.INFO, "Registered the WebP reader {0} {1} with ImageIO", ours.getVendorName(), ours.getVersion());
        return new WebPSupport(ours);
    }

    /** Whether this instance added the reader (and so removes it on close). */
    boolean added() {
        return added != null;
    }

    @Override
    public void close() {
        if (added != null) {
            IIORegistry.getDefaultInstance().deregisterServiceProvider(added, ImageReaderSpi.class);
            LOG.log(Level.INFO, "Deregistered the WebP reader from ImageIO");
        }
    }
}
