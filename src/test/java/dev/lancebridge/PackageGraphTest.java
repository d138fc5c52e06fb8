package dev.lancebridge;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages follow the pipeline and depend downwards only: config at the bottom; normalize,
 * embed and store above it; ingest on the store; a search replica's following on ingest (its
 * NATS connection, the declarations); search on both; the API, health and dev-mode wiring on
 * top, used by nothing.
 */
@AnalyzeClasses(packages = "dev.lancebridge", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageGraphTest {

    @ArchTest
    static final ArchRule noCycles = slices().matching("dev.lancebridge.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("config").definedBy("dev.lancebridge.config..")
            .layer("normalize").definedBy("dev.lancebridge.normalize..")
            .layer("embed").definedBy("dev.lancebridge.embed..")
            .layer("store").definedBy("dev.lancebridge.store..")
            .layer("search").definedBy("dev.lancebridge.search..")
            .layer("ingest").definedBy("dev.lancebridge.ingest..")
            .layer("replica").definedBy("dev.lancebridge.replica..")
            .layer("api").definedBy("dev.lancebridge.api..")
            .layer("health").definedBy("dev.lancebridge.health..")
            .layer("dev").definedBy("dev.lancebridge.dev..")
            .whereLayer("api").mayNotBeAccessedByAnyLayer()
            .whereLayer("health").mayNotBeAccessedByAnyLayer()
            .whereLayer("dev").mayNotBeAccessedByAnyLayer()
            .whereLayer("replica").mayOnlyBeAccessedByLayers("search", "api", "health")
            .whereLayer("ingest").mayOnlyBeAccessedByLayers("replica", "api", "health", "dev")
            .whereLayer("search").mayOnlyBeAccessedByLayers("api")
            .whereLayer("store").mayOnlyBeAccessedByLayers("search", "ingest", "replica", "api", "health")
            .whereLayer("embed").mayOnlyBeAccessedByLayers("store", "search", "ingest", "api")
            .whereLayer("normalize").mayOnlyBeAccessedByLayers("embed", "store", "search", "ingest");
}
