package dev.lancebridge.store;

import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks an object store before the bridge commits to it. Lance commits a version by putting its
 * manifest with {@code If-None-Match: *}: a store that ignores the condition lets two commits of
 * the same version both succeed, and one silently replaces the other (S3Proxy 2.6.0 lost 8 of 20
 * concurrent appends that way). Lance talks to the store itself; this only asks the store the one
 * question Lance cannot answer for us, with the same endpoint and credentials (Lance's option
 * names, read here by the AWS SDK).
 */
final class ObjectStoreProbe implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ObjectStoreProbe.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final StoreLocation store;
    private final Bucket bucket;
    /** One client for the store's life: the readiness probe asks {@link #writable} every few seconds. */
    private final S3Client s3;

    private ObjectStoreProbe(StoreLocation store) {
        this.store = store;
        this.bucket = Bucket.of(store);
        this.s3 = client(store);
    }

    /**
     * The probe of {@code store}; empty unless it is an {@code s3://} store: GCS and Azure Blob
     * honour preconditions by contract, while S3-compatible servers differ.
     */
    static Optional<ObjectStoreProbe> of(StoreLocation store) {
        return store.scheme().filter(scheme -> scheme.equals("s3") || scheme.equals("s3a")).map(scheme -> new ObjectStoreProbe(store));
    }

    /**
     * Refuses the store (an {@link UnsafeStoreException}) unless it honours conditional PUT: a
     * probe object put again with {@code If-None-Match: *} must be refused. The first put is a
     * plain one: the SDK retries a put whose answer it did not get, and a conditional first put
     * retried after the store had taken it was refused by the store's own copy (start-up failed
     * once so in CI).
     */
    void requireConditionalPut() {
        String key = bucket.key("_bridge/conditional-put-probe-" + UUID.randomUUID());
        try {
            put(key, false);
            try {
                put(key, true);
                throw new UnsafeStoreException("the object store at " + store + " ignores conditional PUT (If-None-Match: *):"
                        + " it replaced an object the request said must not exist. Lance relies on that condition to keep two"
                        + " commits of one version apart; on this store they would overwrite each other and events would be"
                        + " lost silently. Use a store that honours it (AWS S3, MinIO, Ceph RGW >= 18, S3Proxy >= 4.1).");
            } catch (S3Exception refused) {
                if (refused.statusCode() != 412 && refused.statusCode() != 409) {
                    throw unreachable(refused);
                }
            } finally {
                delete(key);
            }
            LOG.infof("store %s honours conditional PUT (a second If-None-Match: * was refused)", store);
        } catch (UnsafeStoreException e) {
            throw e;
        } catch (RuntimeException e) { // the SDK's, and the HTTP client's own when the peer answers garbage
            throw unreachable(e);
        }
    }

    /** True when a small object can be put to (and removed from) the store. */
    boolean writable(int bytes) {
        String key = bucket.key("_bridge/.write-probe");
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket.name()).key(key).build(), RequestBody.fromBytes(new byte[bytes]));
            delete(key);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Puts the probe object; with {@code ifAbsent}, only if no object is at {@code key} ({@code If-None-Match: *}). */
    private void put(String key, boolean ifAbsent) {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket.name()).key(key);
        s3.putObject((ifAbsent ? request.ifNoneMatch("*") : request).build(), RequestBody.fromString("lance-event-bridge probe"));
    }

    private void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket.name()).key(key));
        } catch (RuntimeException e) {
            LOG.debugf("could not remove the probe object %s: %s", key, e.getMessage());
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    private UnsafeStoreException unreachable(Exception e) {
        return new UnsafeStoreException("could not check the object store at " + store + " (is the endpoint an S3 server, the"
                + " bucket there and the credentials right?): " + e.getMessage(), e);
    }

    /** An S3 client for the endpoint, region and credentials Lance gets in {@code bridge.store.options}. */
    private static S3Client client(StoreLocation store) {
        Map<String, String> options = store.options();
        software.amazon.awssdk.services.s3.S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(TIMEOUT).socketTimeout(TIMEOUT).build())
                .region(Region.of(option(options, "region").or(() -> Optional.ofNullable(System.getenv("AWS_REGION")))
                        .orElse("us-east-1")))
                .credentialsProvider(credentials(options))
                // S3-compatible servers often reject the SDK's default trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // Lance's default is path-style unless told otherwise, and S3-compatible servers mostly want it
                .forcePathStyle(!option(options, "virtual_hosted_style_request").map(Boolean::parseBoolean).orElse(false));
        option(options, "endpoint").or(() -> option(options, "endpoint_url")).map(URI::create).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(Map<String, String> options) {
        Optional<String> id = option(options, "access_key_id");
        Optional<String> secret = option(options, "secret_access_key");
        if (id.isEmpty() || secret.isEmpty()) {
            return DefaultCredentialsProvider.builder().build(); // environment, profile, web identity (IRSA), instance role
        }
        Optional<String> token = option(options, "session_token").or(() -> option(options, "token"));
        return StaticCredentialsProvider.create(token.isPresent()
                ? AwsSessionCredentials.create(id.get(), secret.get(), token.get())
                : AwsBasicCredentials.create(id.get(), secret.get()));
    }

    /** Lance (object_store) takes {@code aws_<name>} and {@code <name>} ({@link StoreLocation} made the names lower case). */
    private static Optional<String> option(Map<String, String> options, String name) {
        return Optional.ofNullable(options.getOrDefault("aws_" + name, options.get(name))).filter(value -> !value.isBlank());
    }

    /** The bucket and key prefix of an {@code s3://bucket/prefix} store. */
    record Bucket(String name, String prefix) {
        static Bucket of(StoreLocation store) {
            String rest = store.root().substring(store.root().indexOf("://") + 3);
            int slash = rest.indexOf('/');
            return slash < 0 ? new Bucket(rest, "") : new Bucket(rest.substring(0, slash), rest.substring(slash + 1));
        }

        String key(String relative) {
            return prefix.isEmpty() ? relative : prefix + "/" + relative;
        }
    }
}
