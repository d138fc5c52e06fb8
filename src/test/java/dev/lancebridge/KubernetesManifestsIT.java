package dev.lancebridge;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.dev.LocalNatsServer;
import dev.lancebridge.support.BridgeProcess;
import dev.lancebridge.support.TestFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.nats.NatsServerRunner;
import io.smallrye.config.ConfigMappings;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment files against the application they deploy: every manifest in {@code kubernetes/}
 * parses into the Kubernetes model; probes, ports, volume and environment names are the
 * application's real ones; the manifests quarkus-kubernetes generated at package time agree;
 * the Dockerfile exposes the same ports and passes the JVM flag the pom uses, and the container's own
 * variables are the ones the Dockerfile, the tests and the benchmark set; and the packaged
 * bridge, started with exactly the manifests' environment, authenticates to NATS and answers
 * every probe on the management port.
 */
class KubernetesManifestsIT {

    private static final Path MANIFESTS = Path.of("kubernetes");
    private static final Path GENERATED = Path.of("target", "kubernetes", "kubernetes.yml");
    private static final Map<String, String> PROBES = Map.of("startup", "/q/health/started",
            "readiness", "/q/health/ready", "liveness", "/q/health/live");
    /** Environment variables the container reads that are not bridge.* keys: Lance's and glibc malloc's. */
    private static final Set<String> OTHER_ENV = Set.of("LANCE_CPU_THREADS",
            "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_");

    private final Properties application = applicationProperties();
    private final Map<String, HasMetadata> objects = load();

    @Test
    void kustomizationListsEveryManifest() throws Exception {
        Map<String, Object> kustomization = Serialization.unmarshal(Files.readString(MANIFESTS.resolve("kustomization.yaml")), Map.class);
        Set<String> listed = new TreeSet<>((List<String>) kustomization.get("resources"));
        Set<String> present;
        try (var files = Files.list(MANIFESTS)) {
            present = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(present, listed);
    }

    @Test
    void theStatefulSetRunsOneWriterWithProbesPortsAndStoreOfTheApplication() {
        StatefulSet set = (StatefulSet) objects.get("StatefulSet/lance-event-bridge");
        assertEquals(1, set.getSpec().getReplicas(), "one replica: each table has one writer");
        Container container = set.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, Integer> ports = ports(container);
        assertEquals(Integer.parseInt(application.getProperty("quarkus.http.port")), ports.get("http"));
        assertEquals(Integer.parseInt(application.getProperty("quarkus.management.port")), ports.get("management"));
        probes(container).forEach((kind, probe) -> {
            assertEquals(PROBES.get(kind), probe.getHttpGet().getPath(), kind);
            assertEquals("management", probe.getHttpGet().getPort().getStrVal(), kind + " probe on the management port");
        });
        assertEquals(PROBES.keySet(), probes(container).keySet());

        String storePath = environment().get("BRIDGE_STORE_PATH");
        assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(storePath)
                && m.getName().equals(set.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName())),
                "the store path is the persistent volume");
        var tmp = set.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow();
        assertNotNull(tmp.getEmptyDir().getSizeLimit(), "native library copies cannot fill the node's disk");
        assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp") && m.getName().equals("tmp")),
                "the JVM's temp directory is the bounded emptyDir");
        assertTrue(set.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());
        assertNotNull(container.getResources().getRequests().get("memory"));
        assertNotNull(container.getResources().getLimits().get("memory"));

        long grace = Duration.parse("PT" + environment().get("BRIDGE_INGEST_SHUTDOWN_GRACE").toUpperCase()).toSeconds();
        assertTrue(set.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() >= grace + 10,
                "terminationGracePeriodSeconds above the drain (shutdown grace + NATS drain + closing the store)");
        for (EnvFromSource source : container.getEnvFrom()) {
            String name = source.getConfigMapRef() != null ? "ConfigMap/" + source.getConfigMapRef().getName()
                    : "Secret/" + source.getSecretRef().getName();
            assertTrue(objects.containsKey(name), name + " is one of the manifests");
        }
    }

    @Test
    void theContainerIsHardened() {
        StatefulSet set = (StatefulSet) objects.get("StatefulSet/lance-event-bridge");
        var pod = set.getSpec().getTemplate().getSpec().getSecurityContext();
        assertTrue(pod.getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSeccompProfile().getType());
        Container container = set.getSpec().getTemplate().getSpec().getContainers().get(0);
        var own = container.getSecurityContext();
        assertFalse(own.getAllowPrivilegeEscalation());
        assertTrue(own.getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), own.getCapabilities().getDrop());
        assertTrue(own.getCapabilities().getAdd() == null || own.getCapabilities().getAdd().isEmpty());
        // with a read-only root, every path the bridge writes is a volume
        Set<String> writable = container.getVolumeMounts().stream().map(m -> m.getMountPath()).collect(Collectors.toSet());
        assertEquals(Set.of(environment().get("BRIDGE_STORE_PATH"), "/tmp"), writable);
    }

    @Test
    void theApiKeyComesFromASecretThatMustExist() {
        Container container = ((StatefulSet) objects.get("StatefulSet/lance-event-bridge")).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        var key = container.getEnv().stream().filter(e -> e.getName().equals("BRIDGE_API_KEY")).findFirst()
                .orElseThrow(() -> new AssertionError("BRIDGE_API_KEY is not wired"));
        var secret = key.getValueFrom().getSecretKeyRef();
        assertEquals("lance-event-bridge-api", secret.getName());
        assertTrue(secret.getOptional() == null || !secret.getOptional(), "no Secret, no start: the API is never open by accident");
        assertFalse(objects.containsKey("Secret/lance-event-bridge-api"), "the key is created out of band, never committed");
    }

    @Test
    void theNetworkPolicyOpensTheApiToTheNamespaceAndManagementToMonitoring() {
        var policy = (io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy) objects.get("NetworkPolicy/lance-event-bridge");
        assertNotNull(policy, "kubernetes/networkpolicy.yaml");
        StatefulSet set = (StatefulSet) objects.get("StatefulSet/lance-event-bridge");
        assertTrue(set.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()), "the policy selects the bridge's pods");
        assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
        Map<String, String> fromByPort = new HashMap<>();
        policy.getSpec().getIngress().forEach(rule -> rule.getPorts().forEach(port -> {
            var peer = rule.getFrom().get(0);
            fromByPort.put(port.getPort().getStrVal(), peer.getNamespaceSelector() != null
                    ? "namespace " + peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")
                    : peer.getPodSelector().getMatchLabels() == null || peer.getPodSelector().getMatchLabels().isEmpty()
                    ? "this namespace" : "some pods");
        }));
        assertEquals(Map.of("http", "this namespace", "management", "namespace monitoring"), fromByPort);
        Map<String, Integer> ports = ports(set.getSpec().getTemplate().getSpec().getContainers().get(0));
        assertTrue(ports.keySet().containsAll(fromByPort.keySet()), "the policy names the container's ports");
    }

    @Test
    void theObjectStoreOverlayPutsSearchReplicasBehindTheSameService() throws Exception {
        Path overlay = MANIFESTS.resolve("object-store");
        Map<String, Object> kustomization = Serialization.unmarshal(Files.readString(overlay.resolve("kustomization.yaml")), Map.class);
        Set<String> used = new TreeSet<>((List<String>) kustomization.get("resources"));
        ((List<Map<String, Object>>) kustomization.get("patches")).stream().map(p -> (String) p.get("path"))
                .filter(java.util.Objects::nonNull).forEach(used::add);
        Set<String> present;
        try (var files = Files.list(overlay)) {
            present = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        present.add("../");
        assertEquals(present, used, "every file of the overlay is used, and the base is its base");

        var search = (io.fabric8.kubernetes.api.model.apps.Deployment) Serialization.unmarshal(
                Files.readString(overlay.resolve("search-deployment.yaml")));
        Container replica = search.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> replicaEnv = new HashMap<>();
        replica.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> replicaEnv.put(e.getName(), e.getValue()));
        assertEquals("search", replicaEnv.get("BRIDGE_ROLE"));
        StatefulSet writer = (StatefulSet) objects.get("StatefulSet/lance-event-bridge");
        Container writerContainer = writer.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(ports(writerContainer), ports(replica));
        probes(writerContainer).forEach((kind, probe) -> assertEquals(probe.getHttpGet().getPath(), probes(replica).get(kind).getHttpGet().getPath()));
        assertEquals(containerEnvironment(writer), replicaEnv.entrySet().stream().filter(e -> OTHER_ENV.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "Lance's and malloc's variables as the writer");
        assertTrue(replica.getSecurityContext().getReadOnlyRootFilesystem());
        Pattern known = knownBridgeVariables();
        replicaEnv.keySet().forEach(name -> assertTrue(OTHER_ENV.contains(name) || known.matcher(name).matches(), name));

        StatefulSet writerLabels = Serialization.unmarshal(Files.readString(overlay.resolve("writer-labels.yaml")), StatefulSet.class);
        Map<String, String> writerPods = writerLabels.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> replicaPods = search.getSpec().getTemplate().getMetadata().getLabels();
        Service service = (Service) objects.get("Service/lance-event-bridge");
        assertTrue(writerPods.entrySet().containsAll(service.getSpec().getSelector().entrySet()), "the Service reaches the writer");
        assertTrue(replicaPods.entrySet().containsAll(service.getSpec().getSelector().entrySet()), "and the replicas");
        assertTrue(replicaPods.entrySet().containsAll(search.getSpec().getSelector().getMatchLabels().entrySet()));
        assertFalse(replicaPods.entrySet().containsAll(writerLabels.getSpec().getSelector().getMatchLabels().entrySet()),
                "the writer's StatefulSet does not select the replicas' pods");
        var policy = (io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy) objects.get("NetworkPolicy/lance-event-bridge");
        assertTrue(replicaPods.entrySet().containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()),
                "the NetworkPolicy covers the replicas");

        var hpa = (io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler) Serialization.unmarshal(
                Files.readString(overlay.resolve("search-hpa.yaml")));
        assertEquals(search.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        ConfigMap store = Serialization.unmarshal(Files.readString(overlay.resolve("store-on-s3.yaml")), ConfigMap.class);
        assertTrue(store.getData().get("BRIDGE_STORE_PATH").startsWith("s3://"));
        store.getData().keySet().forEach(name -> assertTrue(known.matcher(name).matches(), name + " is a setting of the bridge"));
    }

    @Test
    void theServiceReachesTheNamedPortsOfThePods() {
        Service service = (Service) objects.get("Service/lance-event-bridge");
        StatefulSet set = (StatefulSet) objects.get("StatefulSet/lance-event-bridge");
        Map<String, Integer> ports = ports(set.getSpec().getTemplate().getSpec().getContainers().get(0));
        for (ServicePort port : service.getSpec().getPorts()) {
            assertTrue(ports.containsKey(port.getTargetPort().getStrVal()), "target port " + port.getTargetPort());
        }
        assertTrue(set.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(service.getSpec().getSelector().entrySet()), "the selector picks the bridge's pods");
        assertEquals(application.getProperty("quarkus.management.port"), service.getMetadata().getAnnotations().get("prometheus.io/port"));
        assertEquals("/q/metrics", service.getMetadata().getAnnotations().get("prometheus.io/path"));
    }

    @Test
    void everyEnvironmentVariableIsARealSetting() {
        Pattern known = knownBridgeVariables();
        for (String name : environment().keySet()) {
            assertTrue(OTHER_ENV.contains(name) || known.matcher(name).matches(),
                    name + " is not a setting of the bridge (a typo would be ignored silently)");
        }
        assertFalse(known.matcher("BRIDGE_INGEST_BATCHSIZE").matches(), "the check itself tells a typo");
    }

    @Test
    void quarkusKubernetesGeneratesTheSameShape() throws Exception {
        assertTrue(Files.exists(GENERATED), GENERATED + " is written by ./mvnw package");
        List<HasMetadata> generated;
        try (InputStream in = Files.newInputStream(GENERATED)) {
            Object parsed = Serialization.unmarshal(in);
            generated = parsed instanceof KubernetesList list ? list.getItems()
                    : parsed instanceof List<?> many ? many.stream().map(HasMetadata.class::cast).toList()
                    : List.of((HasMetadata) parsed);
        }
        StatefulSet theirs = generated.stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("quarkus-kubernetes generated no StatefulSet"));
        StatefulSet ours = (StatefulSet) objects.get("StatefulSet/lance-event-bridge");
        assertEquals(ours.getMetadata().getName(), theirs.getMetadata().getName());
        assertEquals(ours.getSpec().getReplicas(), theirs.getSpec().getReplicas());
        Container theirContainer = theirs.getSpec().getTemplate().getSpec().getContainers().get(0);
        Container ourContainer = ours.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(ports(ourContainer), ports(theirContainer));
        for (String kind : PROBES.keySet()) {
            Probe their = probes(theirContainer).get(kind);
            assertNotNull(their, "generated " + kind + " probe");
            assertEquals(PROBES.get(kind), their.getHttpGet().getPath(), kind);
            assertEquals(ports(ourContainer).get("management"), portNumber(their, theirContainer), kind);
        }
        assertEquals(refs(ourContainer), refs(theirContainer));
        assertEquals(secretKeys(ourContainer), secretKeys(theirContainer), "variables from Secret keys");
        assertEquals(containerEnvironment(ours), containerEnvironment(theirs), "the container's own variables");
        assertEquals(ours.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds(),
                theirs.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
        for (String kind : PROBES.keySet()) {
            assertEquals(probes(ourContainer).get(kind).getPeriodSeconds(), probes(theirContainer).get(kind).getPeriodSeconds(), kind);
            assertEquals(probes(ourContainer).get(kind).getFailureThreshold(), probes(theirContainer).get(kind).getFailureThreshold(), kind);
        }
        assertEquals(ourContainer.getResources().getRequests(), theirContainer.getResources().getRequests());
        assertEquals(ourContainer.getResources().getLimits(), theirContainer.getResources().getLimits());
        assertTrue(theirContainer.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(environment().get("BRIDGE_STORE_PATH"))));
        Service theirService = generated.stream().filter(Service.class::isInstance).map(Service.class::cast).findFirst().orElseThrow();
        assertTrue(theirService.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals("http")));
    }

    @Test
    void theDockerfileExposesTheSamePortsAndPassesTheJvmFlag() throws Exception {
        String dockerfile = Files.readString(Path.of("src", "main", "docker", "Dockerfile.jvm"));
        assertTrue(dockerfile.contains("EXPOSE " + application.getProperty("quarkus.http.port") + " "
                + application.getProperty("quarkus.management.port")), "EXPOSE");
        String pom = Files.readString(Path.of("pom.xml"));
        var flag = Pattern.compile("<lance.jvm.args>(.*)</lance.jvm.args>").matcher(pom);
        assertTrue(flag.find());
        assertTrue(dockerfile.contains(flag.group(1)), "Dockerfile passes " + flag.group(1));
        // the container's own variables (Lance's, glibc malloc's) are the ones tests and benchmarks run with
        String bench = Files.readString(Path.of("bench", "run"));
        containerEnvironment((StatefulSet) objects.get("StatefulSet/lance-event-bridge")).forEach((name, value) -> {
            assertTrue(dockerfile.contains(name + "=" + value), "Dockerfile sets " + name + "=" + value + " like the StatefulSet");
            String element = "<" + name + ">" + value + "</" + name + ">";
            assertEquals(2, pom.split(Pattern.quote(element), -1).length - 1, "surefire and failsafe set " + element);
            assertTrue(bench.contains(name + ":-" + value), "bench/run defaults " + name + " to " + value);
        });
        assertTrue(dockerfile.contains("BRIDGE_STORE_PATH=" + environment().get("BRIDGE_STORE_PATH")));
        assertTrue(dockerfile.contains("VOLUME " + environment().get("BRIDGE_STORE_PATH")));
        assertTrue(Pattern.compile("(?m)^USER 185$").matcher(dockerfile).find(), "runs as the non-root user the StatefulSet expects");
        // the jlink'd runtime holds the modules bench/run's start step runs on, and reads the archive it made
        assertTrue(dockerfile.contains("COPY src/main/docker/jlink-modules") && dockerfile.contains("--add-modules \"$(cat /tmp/jlink-modules)\""));
        assertTrue(dockerfile.contains("-XX:ArchiveClassesAtExit=/deployments/app-cds.jsa")
                && dockerfile.contains("-XX:SharedArchiveFile=/deployments/app-cds.jsa"), "the archive it makes is the one it reads");
    }

    @Test
    void theBridgeStartedWithTheManifestsEnvironmentAuthenticatesAndAnswersEveryProbe() throws Exception {
        Path dir = Files.createTempDirectory("bridge-k8s-it");
        NatsServerRunner server = LocalNatsServer.start(dir.resolve("nats"), null, "--user", "bridge", "--pass", "s3cret");
        Map<String, String> env = new HashMap<>(environment());
        env.put("BRIDGE_NATS_URL", server.getURI());
        env.put("BRIDGE_STORE_PATH", dir.resolve("store").toString());
        env.put("BRIDGE_NATS_USER", "bridge");
        env.put("BRIDGE_NATS_PASSWORD", "s3cret");
        env.put("BRIDGE_API_KEY", "k8s-it-key-7f3a9c1e5b2d4086"); // what the Secret holds
        // a home the bridge must not write to: with a read-only root filesystem it could not
        Path home = Files.createDirectories(dir.resolve("home"));
        env.put("JAVA_TOOL_OPTIONS", "-Duser.home=" + home);
        try (BridgeProcess bridge = BridgeProcess.start(server.getURI(), dir.resolve("store"), Path.of("target", "kubernetes-it-bridge.log"), env)) {
            for (String path : PROBES.values()) {
                assertEquals(200, bridge.status(path), path);
            }
            assertEquals(200, bridge.status("/q/metrics"));
            assertEquals(401, bridge.status("/tables/events"));
            assertEquals(200, bridge.exchange("GET", "/tables/events", null, Map.of("x-api-key", env.get("BRIDGE_API_KEY"))).status());
            try (var written = Files.list(home)) {
                assertEquals(List.of(), written.toList(), "the bridge wrote outside the store and /tmp");
            }
        } finally {
            server.close();
            TestFiles.deleteRecursively(dir);
        }
    }

    /** The ConfigMap's and Secret's keys and the container's own variables, with their values. */
    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        objects.values().forEach(object -> {
            if (object instanceof ConfigMap map) {
                env.putAll(map.getData());
            } else if (object instanceof Secret secret) {
                env.putAll(secret.getStringData());
            }
        });
        env.putAll(containerEnvironment((StatefulSet) objects.get("StatefulSet/lance-event-bridge")));
        return env;
    }

    /** The variables set on the container itself with a value (not from the ConfigMap or a Secret). */
    private static Map<String, String> containerEnvironment(StatefulSet set) {
        Map<String, String> env = new HashMap<>();
        set.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream().filter(e -> e.getValueFrom() == null)
                .forEach(e -> env.put(e.getName(), e.getValue()));
        return env;
    }

    /** Variables taken from one key of a Secret: name to "secret/key". */
    private static Map<String, String> secretKeys(Container container) {
        Map<String, String> refs = new HashMap<>();
        container.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .forEach(e -> refs.put(e.getName(), e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey()));
        return refs;
    }

    /** Environment variable names of every {@code bridge.*} key, a map key ({@code tables.<name>}) matching any name. */
    private static Pattern knownBridgeVariables() {
        Set<String> names = ConfigMappings.getProperties(new ConfigMappings.ConfigClass(BridgeConfig.class, "bridge")).keySet();
        return Pattern.compile(names.stream()
                .map(name -> Pattern.quote(name.replaceAll("[^A-Za-z0-9*]", "_").toUpperCase()).replace("*", "\\E[A-Z0-9_]+\\Q"))
                .collect(Collectors.joining("|")));
    }

    private static Map<String, Integer> ports(Container container) {
        Map<String, Integer> ports = new HashMap<>();
        for (ContainerPort port : container.getPorts()) {
            ports.put(port.getName(), port.getContainerPort());
        }
        return ports;
    }

    private static Map<String, Probe> probes(Container container) {
        Map<String, Probe> probes = new HashMap<>();
        if (container.getStartupProbe() != null) {
            probes.put("startup", container.getStartupProbe());
        }
        if (container.getReadinessProbe() != null) {
            probes.put("readiness", container.getReadinessProbe());
        }
        if (container.getLivenessProbe() != null) {
            probes.put("liveness", container.getLivenessProbe());
        }
        return probes;
    }

    private static Integer portNumber(Probe probe, Container container) {
        var port = probe.getHttpGet().getPort();
        return port.getIntVal() != null ? port.getIntVal() : ports(container).get(port.getStrVal());
    }

    private static Set<String> refs(Container container) {
        Set<String> refs = new TreeSet<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            refs.add(source.getConfigMapRef() != null ? "ConfigMap/" + source.getConfigMapRef().getName()
                    : "Secret/" + source.getSecretRef().getName());
        }
        return refs;
    }

    private static Map<String, HasMetadata> load() {
        Map<String, HasMetadata> objects = new HashMap<>();
        List<Path> files = new ArrayList<>();
        try (var list = Files.list(MANIFESTS)) {
            list.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("kustomization.yaml")).forEach(files::add);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                HasMetadata object = Serialization.unmarshal(in);
                objects.put(object.getKind() + "/" + object.getMetadata().getName(), object);
            } catch (Exception e) {
                throw new AssertionError(file + " is not a valid Kubernetes object: " + e.getMessage(), e);
            }
        }
        return objects;
    }

    private static Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return properties;
    }
}
