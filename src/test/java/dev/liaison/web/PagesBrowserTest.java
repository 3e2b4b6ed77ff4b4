package dev.liaison.web;

import dev.liaison.mailing.Subscriber;
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
        // A story with 60 weak suggestions (mentions: the daemon ranks similar ones again from the texts) to items Liaison has not fetched: the queue has two pages for it.
        java.time.Instant now = java.time.Instant.parse("2026-11-24T10:00:00Z");
        new dev.liaison.store.StoryStore(web.runtime.store()).upsert(List.of(new dev.liaison.story.Story("many-bugs", "Many bugs",
                "text", "proposed", List.of("nova"), List.of(), List.of(), List.of(), List.of(), "fixture")), now);
        List<dev.liaison.story.Link> many = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(new dev.liaison.story.Link("many-bugs", "bug:9000" + (10 + i), dev.liaison.story.Link.MENTIONED, 0.25 - i * 0.001,
                    dev.liaison.story.Link.SUGGESTED, "nova", "bug", null,
                    List.of(new dev.liaison.story.Evidence(dev.liaison.story.Link.MENTIONED, "names words " + i, "title", null))));
        }
        new dev.liaison.store.LinkStore(web.runtime.store()).propose(many, now);
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
        assertThat(browser.findElement(By.id("gaps")).getText()).isEqualTo("No spec or blueprint yet for: cinder, neutron");
        assertThat(browser.findElement(By.id("projects")).getText()).isEqualTo("cinder, neutron, nova");
        assertThat(cells.get(2).findElement(By.cssSelector(".tag.status")).getText()).isEqualTo("Confirmed");
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
        signIn();
        WebElement first = browser.findElement(By.cssSelector("#queue tr.suggested"));
        String story = first.findElement(By.cssSelector("input[name=story]")).getAttribute("value");
        String item = first.findElement(By.cssSelector("input[name=item]")).getAttribute("value");
        String before = browser.findElement(By.id("count")).getText();
        screenshot("review");
        first.findElement(By.cssSelector("button.confirm")).click();
        waitUntilReplaced(first);
        assertThat(browser.getCurrentUrl()).as("back where the person was").endsWith("/review?offset=0");
        int total = Integer.parseInt(before.replaceAll("^.* of (\\d+) suggested.*$", "$1"));
        assertThat(browser.findElement(By.id("count")).getText()).contains(" of " + (total - 1) + " suggested links");
        assertThat(browser.findElements(By.cssSelector("#queue input[name=item][value='" + item + "']"))).isEmpty();
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

    /**
     * Waits until the page that held {@code element} has been replaced (the form posted and the browser landed on
     * the next page). While Chrome swaps documents, asking about the old node can fail with an "unknown error"
     * ("Node with given id does not belong to the document") instead of a stale-element error; that is the same
     * navigation still under way, so it is asked again rather than failing the test.
     */
    static void waitUntilReplaced(WebElement element) {
        new WebDriverWait(browser, Duration.ofSeconds(15)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(ExpectedConditions.stalenessOf(element));
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> "complete".equals(
                ((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    static void signIn() {
        browser.get(web.base() + "/review");
        if (!browser.findElements(By.cssSelector("button.confirm")).isEmpty()) {
            return;
        }
        browser.get(web.base() + "/login");
        browser.findElement(By.name("token")).sendKeys(WebFixture.TOKEN);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlMatches(".*/review$"));
        assertThat(browser.findElements(By.cssSelector("button.confirm"))).isNotEmpty();
    }

    @Test
    void theReviewQueueFiltersByStoryPagesAndADigestLinkLandsOnItsRowAndStaysThereAfterConfirming() throws Exception {
        signIn();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.name("story"))).selectByValue("many-bugs");
        browser.findElement(By.cssSelector("#filters button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlContains("story=many-bugs"));
        assertThat(browser.findElement(By.id("count")).getText()).startsWith("1–50 of 60 suggested links matching the filter");
        List<WebElement> rows = browser.findElements(By.cssSelector("#queue tr.suggested"));
        assertThat(rows).hasSize(50).allSatisfy(r -> assertThat(r.getText()).contains("Many bugs"));
        assertThat(rows.get(0).getText()).contains("https://bugs.launchpad.net/bugs/900010").contains("not fetched by Liaison")
                .contains("nova");
        WebElement firstPage = browser.findElement(By.id("count"));
        browser.findElement(By.id("next")).click();
        waitUntilReplaced(firstPage);
        assertThat(browser.findElement(By.id("count")).getText()).startsWith("51–60 of 60");
        assertThat(browser.findElements(By.cssSelector("#queue tr.suggested"))).hasSize(10);
        screenshot("review-page-2");

        // The digest's link to one suggestion: it opens the page that holds it, its row marked.
        String item = "bug:900065";
        browser.get(dev.liaison.digest.Digest.reviewUrl(web.base(), "many-bugs", item));
        String rowId = dev.liaison.digest.Digest.rowId("many-bugs", item);
        WebElement row = browser.findElement(By.id(rowId));
        assertThat(row.getAttribute("class")).contains("target");
        assertThat(browser.findElement(By.id("count")).getText()).startsWith("51–60 of 60");
        row.findElement(By.cssSelector("button.confirm")).click();
        waitUntilReplaced(row);
        assertThat(browser.getCurrentUrl()).as("still on the story's second page").contains("story=many-bugs").contains("offset=50");
        assertThat(browser.findElement(By.id("count")).getText()).startsWith("51–59 of 59");
        assertThat(browser.findElements(By.id(rowId))).isEmpty();
        assertThat(web.runtime.store().collection(Store.LINKS).find(new Document("_id", "many-bugs|" + item)).first()
                .getString("state")).isEqualTo("confirmed");
        // The same link again (an old digest): it says it is decided instead of showing it as pending.
        browser.get(dev.liaison.digest.Digest.reviewUrl(web.base(), "many-bugs", item));
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).isEqualTo("This link is already confirmed.");
    }

    @Test
    void onTheStoryPageAPersonConfirmsASuggestionAndTheStorysOwnDeclaredLinksInOneClickAndStaysThere() throws Exception {
        new dev.liaison.store.LinkStore(web.runtime.store()).propose(List.of(
                new dev.liaison.story.Link("evil-story", "bp:nova/declared-one", dev.liaison.story.Link.DECLARED, 1.0,
                        dev.liaison.story.Link.SUGGESTED, "nova", "blueprint", null,
                        List.of(new dev.liaison.story.Evidence(dev.liaison.story.Link.DECLARED, "the story names it", "text", null))),
                new dev.liaison.story.Link("evil-story", "review:424242", dev.liaison.story.Link.DECLARED, 1.0,
                        dev.liaison.story.Link.SUGGESTED, null, "review", null,
                        List.of(new dev.liaison.story.Evidence(dev.liaison.story.Link.DECLARED, "the story names it", "text", null)))),
                java.time.Instant.now());
        signIn();
        // The page's link cache may be a few seconds old: wait until it shows the new links.
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
            d.get(web.base() + "/stories/evil-story");
            return !d.findElements(By.id("confirm-declared")).isEmpty();
        });
        WebElement bug = browser.findElement(By.cssSelector("#matrix [data-item='bug:1521928']"));
        assertThat(bug.getText()).contains("suggested");
        bug.findElement(By.cssSelector("button.confirm")).click();
        waitUntilReplaced(bug);
        assertThat(browser.getCurrentUrl()).endsWith("/stories/evil-story");
        assertThat(browser.findElement(By.cssSelector("#matrix [data-item='bug:1521928']")).getText()).contains("confirmed");

        assertThat(browser.findElement(By.id("confirm-declared")).getText()).contains("Confirm the 2 links the story itself names");
        assertThat(browser.findElement(By.cssSelector("#matrix [data-item='bp:nova/declared-one']")).getText())
                .contains("https://blueprints.launchpad.net/nova/+spec/declared-one").contains("not fetched");
        screenshot("story-declared");
        WebElement declaredForm = browser.findElement(By.id("confirm-declared"));
        browser.findElement(By.cssSelector("#confirm-declared button")).click();
        waitUntilReplaced(declaredForm);
        assertThat(browser.getCurrentUrl()).endsWith("/stories/evil-story");
        assertThat(browser.findElements(By.id("confirm-declared"))).isEmpty();
        for (String item : List.of("bug:1521928", "bp:nova/declared-one", "review:424242")) {
            assertThat(web.runtime.store().collection(Store.LINKS).find(new Document("_id", "evil-story|" + item)).first()
                    .getString("state")).as(item).isEqualTo("confirmed");
        }
    }

    @Test
    void aSubscriberChangesHourAndStoriesThenUnsubscribesOnTheirPage() throws Exception {
        var subscribers = web.runtime.mail().subscribers();
        String token = subscribers.save(new dev.liaison.mailing.Subscriber("reader@example.org", "Reader",
                java.time.ZoneId.of("Europe/Berlin"), 8, List.of("rolling-upgrades"), List.of(), List.of(), List.of(), List.of(),
                true, null), "config", java.time.Instant.now()).token();
        browser.get(web.base() + "/subscription/" + token);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Subscription of reader@example.org");
        assertThat(browser.findElement(By.name("timezone")).getAttribute("value")).isEqualTo("Europe/Berlin");
        WebElement hour = browser.findElement(By.name("hour"));
        hour.clear();
        hour.sendKeys("6");
        WebElement stories = browser.findElement(By.name("stories"));
        stories.clear();
        stories.sendKeys("rolling-upgrades, evil-story");
        WebElement days = browser.findElement(By.name("deadline-alert-days"));
        assertThat(days.getAttribute("value")).isEqualTo("0");
        days.clear();
        days.sendKeys("7");
        screenshot("subscription");
        WebElement form = browser.findElement(By.tagName("h1"));
        browser.findElement(By.cssSelector("button[value=save]")).click();
        waitUntilReplaced(form);
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("p.confirmed")));
        var saved = subscribers.find("reader@example.org").orElseThrow();
        assertThat(saved.subscriber().hour()).isEqualTo(6);
        assertThat(saved.subscriber().stories()).containsExactly("rolling-upgrades", "evil-story");
        assertThat(saved.subscriber().timezone().getId()).isEqualTo("Europe/Berlin");
        assertThat(saved.subscriber().deadlineAlertDays()).isEqualTo(7);
        assertThat(saved.origin()).as("the person's change is theirs: the file no longer reverts it").isEqualTo("person");
        assertThat(browser.findElement(By.name("hour")).getAttribute("value")).isEqualTo("6");

        WebElement savedNotice = browser.findElement(By.cssSelector("p.confirmed"));
        browser.findElement(By.cssSelector("button[value=unsubscribe]")).click();
        waitUntilReplaced(savedNotice);
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("p.confirmed")));
        assertThat(subscribers.find("reader@example.org").orElseThrow().subscriber().digest()).isFalse();
        assertThat(browser.findElement(By.name("digest")).isSelected()).isFalse();
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
