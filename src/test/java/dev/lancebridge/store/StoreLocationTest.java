package dev.lancebridge.store;

import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.Session;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreLocationTest {

    @TempDir
    Path dir;

    @Test
    void aPlainPathOrFileUriIsALocalDirectoryMadeAbsolute() {
        StoreLocation relative = StoreLocation.of("data", Map.of());
        assertTrue(relative.local());
        assertEquals(Path.of("data").toAbsolutePath().toString(), relative.root());
        assertEquals(Path.of("data").toAbsolutePath().resolve("docs.lance").toString(), relative.uri("docs.lance"));
        assertEquals(Optional.empty(), relative.scheme());
        assertEquals(dir.toString(), StoreLocation.of("file://" + dir, Map.of()).root());
        assertEquals(dir.toString(), StoreLocation.of(dir + "/", Map.of()).root());
    }

    @Test
    void anObjectStoreUriKeepsItsPrefixAndTheOptionsGetLanceNames() {
        StoreLocation s3 = StoreLocation.of("s3://bucket/tables/", Map.of("aws-endpoint", "http://minio:9000",
                "AWS_SECRET_ACCESS_KEY", "s", "aws.region", "eu-west-1"));
        assertFalse(s3.local());
        assertEquals(Optional.of("s3"), s3.scheme());
        assertEquals("s3://bucket/tables/docs.lance", s3.uri("docs.lance"));
        assertEquals(Map.of("aws_endpoint", "http://minio:9000", "aws_secret_access_key", "s", "aws_region", "eu-west-1"),
                s3.options());
        assertEquals("s3://bucket/tables", s3.toString(), "never the options: they hold credentials");
        assertThrows(IllegalStateException.class, s3::directory);
        assertEquals(new ObjectStoreProbe.Bucket("bucket", "tables"), ObjectStoreProbe.Bucket.of(s3));
        assertEquals("tables/_bridge/x", ObjectStoreProbe.Bucket.of(s3).key("_bridge/x"));
        assertEquals("_bridge/x", ObjectStoreProbe.Bucket.of(StoreLocation.of("s3://bucket", Map.of())).key("_bridge/x"));
        assertEquals(Optional.of("gs"), StoreLocation.of("gs://b/p", Map.of()).scheme());
        assertEquals(Optional.of("az"), StoreLocation.of("az://c/p", Map.of()).scheme());
    }

    @Test
    void aStoreTheBridgeCannotUseIsRefusedWithWhatToGive() {
        IllegalArgumentException http = assertThrows(IllegalArgumentException.class, () -> StoreLocation.of("http://host/x", Map.of()));
        assertTrue(http.getMessage().contains("s3://bucket/prefix"), http.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StoreLocation.of("s3://", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> StoreLocation.of("  ", Map.of()));
    }

    @Test
    void openSaysEmptyForNoDatasetAndCreatesOnlyWhenAsked() {
        StoreLocation local = StoreLocation.local(dir);
        try (RootAllocator allocator = new RootAllocator(); Session session = Session.create(1 << 20, 1 << 20)) {
            assertEquals(Optional.empty(), local.open(allocator, local.uri("none.lance"), session));
            org.apache.arrow.vector.types.pojo.Schema schema = new org.apache.arrow.vector.types.pojo.Schema(java.util.List.of(
                    org.apache.arrow.vector.types.pojo.Field.nullable("x", new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true))));
            local.openOrCreate(allocator, local.uri("made.lance"), session, schema).close();
            try (org.lance.Dataset again = local.open(allocator, local.uri("made.lance"), session).orElseThrow()) {
                assertEquals(1, again.version());
            }
        }
    }
}
