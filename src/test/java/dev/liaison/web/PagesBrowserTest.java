package dev.liaison.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.liaison.store.Store;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs): the story matrix, confirming a suggested link in the review queue, and a story title
 * holding a script tag shown as text. Screenshots of the main pages go to target/screenshots/.
 */
class PagesBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target/screenshots");

    @TempDir static Path dir;
    static WebFixture web;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "Chromium and ChromeDriver are not installed (apt-get install chromium chromium-driver; .ci/run does)");
        web = new WebFixture(dir);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--user-data-dir=" + dir.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (web != null) {
            web.close();
        }
    }

    static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void theStoryPageShowsTheTrackerMatrixWithStatusesEvidenceAndGaps() throws Exception {
        browser.get(web.base() + "/stories/rolling-upgrades");
        assertThat(browser.findElement(By.id("story-title")).getText()).isEqualTo("Rolling upgrades");
        WebElement matrix = browser.findElement(By.id("matrix"));
        List<WebElement> headers = matrix.findElements(By.cssSelector("tr:first-child th"));
        assertThat(headers).extracting(WebElement::getText).containsExactly("Project", "spec", "blueprint", "bug", "review", "mail");
        WebElement nova = matrix.findElement(By.xpath(".//tr[th[text()='nova']]"));
        List<WebElement> cells = nova.findElements(By.tagName("td"));
        assertThat(cells.get(1).getText()).contains("Online schema changes").contains("Implemented").contains("confirmed");
        assertThat(cells.get(0).getText()).contains("Online Schema Changes").contains("suggested");
        assertThat(cells.get(2).getText()).contains("Upgrade fails <b>bold</b>");
        assertThat(browser.findElement(By.id("gaps")).getText()).contains("cinder").contains("neutron");
        screenshot("story");
    }

    @Test
    void aStoryTitleWithAScriptTagIsShownAsText() throws Exception {
        browser.get(web.base() + "/stories");
        assertThat(browser.findElement(By.id("stories")).getText()).contains("Evil <script>alert('x')</script> story");
        assertThat(alertOpen()).isFalse();
        browser.get(web.base() + "/stories/evil-story");
        assertThat(browser.findElement(By.id("story-title")).getText()).isEqualTo("Evil <script>alert('x')</script> story");
        assertThat(alertOpen()).isFalse();
        screenshot("stories");
    }

    @Test
    void aSignedInPersonConfirmsASuggestedLinkInOneClick() throws Exception {
        browser.get(web.base() + "/review");
        assertThat(browser.findElements(By.cssSelector("button.confirm"))).as("no buttons before signing in").isEmpty();
        browser.get(web.base() + "/login");
        browser.findElement(By.name("token")).sendKeys(WebFixture.TOKEN);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlMatches(".*/review$"));
        assertThat(browser.getCurrentUrl()).endsWith("/review");
        WebElement first = browser.findElement(By.cssSelector("#queue tr.suggested"));
        String story = first.findElement(By.cssSelector("input[name=story]")).getAttribute("value");
        String item = first.findElement(By.cssSelector("input[name=item]")).getAttribute("value");
        int before = browser.findElements(By.cssSelector("#queue tr.suggested")).size();
        screenshot("review");
        first.findElement(By.cssSelector("button.confirm")).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.stalenessOf(first));
        assertThat(browser.getCurrentUrl()).endsWith("/review");
        assertThat(browser.findElements(By.cssSelector("#queue tr.suggested"))).hasSize(before - 1);
        Document link = web.runtime.store().collection(Store.LINKS).find(new Document("_id", story + "|" + item)).first();
        assertThat(link.getString("state")).isEqualTo("confirmed");
        assertThat(link.getString("reviewedBy")).isEqualTo("web");

        browser.get(web.base() + "/stories/" + story);
        assertThat(browser.findElement(By.id("matrix")).findElement(By.cssSelector("[data-item='" + item + "']")).getText())
                .contains("confirmed");
    }

    @Test
    void prioritiesAndSourcesPagesRender() throws Exception {
        browser.get(web.base() + "/priorities");
        assertThat(browser.findElement(By.id("aggregate")).getText()).contains("Rolling upgrades");
        screenshot("priorities");
        browser.get(web.base() + "/sources");
        assertThat(browser.findElement(By.id("sources")).getText()).contains("SOURCE".toLowerCase().isEmpty() ? "" : "Source");
        screenshot("sources");
    }

    static boolean alertOpen() {
        try {
            browser.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }
}
