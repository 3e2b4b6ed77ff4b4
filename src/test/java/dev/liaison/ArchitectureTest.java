package dev.liaison;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The model and the linker stay free of Camel and MongoDB; parsers stay free of Camel. */
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
}
