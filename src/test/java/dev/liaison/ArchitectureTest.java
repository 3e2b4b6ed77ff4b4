package dev.liaison;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md: packages import only downward and form no cycle; the model
 * and the linker stay free of Camel and MongoDB; parsers stay free of Camel; only the store (and
 * the classes listed below, which are still to move there) knows MongoDB.
 */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.liaison");

    @Test
    void theModelKnowsNeitherCamelNorMongo() {
        noClasses().that().resideInAnyPackage("dev.liaison.item..", "dev.liaison.story..", "dev.liaison.release..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..", "com.mongodb..", "org.bson..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    @Test
    void theLinkerKnowsNeitherCamelNorMongo() {
        noClasses().that().resideInAPackage("dev.liaison.linking..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..", "com.mongodb..", "org.bson..")
                .check(CLASSES);
    }

    @Test
    void sourcesAndParsersDoNotUseCamel() {
        noClasses().that().resideInAPackage("dev.liaison.sources..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..")
                .check(CLASSES);
    }

    @Test
    void onlyTheFetcherMakesHttpRequests() {
        noClasses().that().resideOutsideOfPackage("dev.liaison.fetch..")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.net.http.HttpClient")
                .check(CLASSES);
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("dev.liaison.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void packagesImportOnlyDownward() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.liaison..")
                .layer("cli").definedBy("dev.liaison")
                .layer("app").definedBy("dev.liaison.app..")
                .layer("web").definedBy("dev.liaison.web..")
                .layer("digest").definedBy("dev.liaison.digest..")
                .layer("review").definedBy("dev.liaison.review..")
                .layer("sources").definedBy("dev.liaison.sources..")
                .layer("linking").definedBy("dev.liaison.linking..")
                .layer("store").definedBy("dev.liaison.store..")
                .layer("config").definedBy("dev.liaison.config..")
                .layer("fetch").definedBy("dev.liaison.fetch..")
                .layer("story").definedBy("dev.liaison.story..")
                .layer("mailing").definedBy("dev.liaison.mailing..")
                .layer("item").definedBy("dev.liaison.item..")
                .layer("release").definedBy("dev.liaison.release..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("app").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("web").mayOnlyBeAccessedByLayers("cli", "app")
                .whereLayer("digest").mayOnlyBeAccessedByLayers("cli", "app", "web")
                .whereLayer("review").mayOnlyBeAccessedByLayers("cli", "app", "web")
                .whereLayer("sources").mayOnlyBeAccessedByLayers("cli", "app", "web")
                .whereLayer("linking").mayOnlyBeAccessedByLayers("cli", "app", "web", "digest", "sources")
                .whereLayer("store").mayOnlyBeAccessedByLayers("cli", "app", "web", "digest", "review", "sources")
                .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "app", "web", "digest", "sources", "store")
                .whereLayer("fetch").mayOnlyBeAccessedByLayers("cli", "app", "web", "sources", "store", "config")
                .whereLayer("story").mayOnlyBeAccessedByLayers("cli", "app", "web", "digest", "review", "sources", "linking", "store")
                .whereLayer("mailing").mayOnlyBeAccessedByLayers("cli", "app", "web", "digest", "store")
                .whereLayer("release").mayOnlyBeAccessedByLayers("cli", "app", "web", "digest", "sources", "store")
                .check(CLASSES);
    }

    /** Only store/ reads or writes MongoDB: every other package calls typed store methods. */
    @Test
    void onlyTheStoreKnowsMongo() {
        noClasses().that().resideOutsideOfPackage("dev.liaison.store..")
                .should().dependOnClassesThat().resideInAnyPackage("com.mongodb..", "org.bson..")
                .check(CLASSES);
    }

    /**
     * A source kind reads a source's options only through its typed options record
     * ({@code <Kind>Options}: keys, defaults and checks in one place).
     */
    @Test
    void aKindReadsItsOptionsThroughItsTypedOptionsRecord() {
        noClasses().that().resideInAPackage("dev.liaison.sources.*")
                .and().haveSimpleNameNotEndingWith("Options")
                .should().callMethod(dev.liaison.config.SourceConfig.class, "option", String.class, String.class)
                .orShould().callMethod(dev.liaison.config.SourceConfig.class, "intOption", String.class, int.class)
                .orShould().callMethod(dev.liaison.config.SourceConfig.class, "booleanOption", String.class, boolean.class)
                .check(CLASSES);
    }
}
