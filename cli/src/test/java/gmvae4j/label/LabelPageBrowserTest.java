package gmvae4j.label;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The labeling page in a real browser (Debian's chromium, driven through /usr/bin/chromedriver;
 * the driver path is set so Selenium Manager never downloads anything): label with the keyboard,
 * a shortcut, skip, undo, a whole cluster with exceptions, review, export, reload. Screenshots of
 * the main views go to target/label-screenshots (the README's come from there, with GMVAE_DATA
 * holding MNIST: the page then shows 500 MNIST test digits; the posterior is made up either way).
 */
class LabelPageBrowserTest {
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "label-screenshots");

    @TempDir Path dir;
    private LabelImages images;
    private Session session;
    private LabelServer server;
    private WebDriver browser;
    private WebDriverWait wait;
    private ModelView model;

    @BeforeEach void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(DRIVER), "needs chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
        images = Fixture.mnistOrGlyphs(500);
        session = Session.open(dir.resolve("session"), images);
        server = new LabelServer(images, session, Access.random(), "127.0.0.1", 0, 5);
        server.start();
        model = Fixture.model(images.truth(), images.truthNames().size(), 7);
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions o = new ChromeOptions();
        if (Files.isExecutable(Path.of("/usr/bin/chromium"))) o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1180,820",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chrome-profile")));
        browser = new ChromeDriver(service, o);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterEach void stop() throws Exception {
        if (browser != null) browser.quit();
        if (server != null) server.close();
        if (session != null) session.close();
    }

    /** The class a person would type for image i: its true class (the page never sees it). */
    private String truth(int i) { return images.truthNames().get(images.truth()[i]); }

    private WebElement el(String id) { return browser.findElement(By.id(id)); }

    private String text(String id) { return el(id).getText(); }

    private void waitText(String id, String value) {
        wait.until(d -> value.equals(d.findElement(By.id(id)).getText()));
    }

    private String askedImage() {
        wait.until(d -> {
            String a = d.findElement(By.id("ask-img")).getAttribute("data-image");
            return a != null && !a.isEmpty();
        });
        return el("ask-img").getAttribute("data-image");
    }

    private void shot(String name) throws Exception {
        wait.until(d -> (Boolean) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "return [...document.images].every(i => !i.src || (i.complete && i.naturalWidth > 0))"));
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test void labelWithTheKeyboardAClusterAtOnceUndoExportAndReload() throws Exception {
        server.ready(model);
        browser.get(server.url("127.0.0.1"));
        assertFalse(browser.getCurrentUrl().contains("token"), "the token left the address bar");
        String first = askedImage();

        // Keyboard: type a class, Enter, as a person would (the true class of the image asked).
        el("label").sendKeys(truth(Integer.parseInt(first)), Keys.ENTER);
        waitText("n-labeled", "1");
        assertEquals(truth(Integer.parseInt(first)), session.classes().get(session.humanLabel(Integer.parseInt(first))));
        String second = askedImage();
        assertNotEquals(first, second);
        el("label").sendKeys(truth(Integer.parseInt(second)), Keys.ENTER);
        waitText("n-labeled", "2");
        String third = askedImage();
        el("label").sendKeys(truth(Integer.parseInt(third)), Keys.ENTER);
        waitText("n-labeled", "3");
        assertEquals(truth(Integer.parseInt(third)), session.classes().get(session.humanLabel(Integer.parseInt(third))));
        shot("label-ask");

        // A shortcut bound on the page answers at once.
        String fourth = askedImage();
        String fourthClass = truth(Integer.parseInt(fourth));
        el("tab-keys").click();
        el("keys").sendKeys("g=" + fourthClass);
        el("keys-save").click();
        el("tab-ask").click();
        assertEquals(fourth, askedImage());
        el("label").sendKeys("g");
        // "g" in an empty box is the shortcut, not typing.
        waitText("n-labeled", "4");
        assertEquals(fourthClass, session.classes().get(session.humanLabel(Integer.parseInt(fourth))));
        assertEquals("", el("label").getAttribute("value"));

        // Escape skips; Ctrl+Z undoes the skip, then the shortcut's answer.
        String fifth = askedImage();
        el("label").sendKeys(Keys.ESCAPE);
        wait.until(d -> session.skipped(Integer.parseInt(fifth)));
        el("label").sendKeys(Keys.chord(Keys.CONTROL, "z"));
        wait.until(d -> !session.skipped(Integer.parseInt(fifth)));
        el("label").sendKeys(Keys.chord(Keys.CONTROL, "z"));
        waitText("n-labeled", "3");
        assertEquals(-1, session.humanLabel(Integer.parseInt(fourth)));
        assertEquals(3, Integer.parseInt(text("n-answers")));

        // A whole cluster in one action, less two exceptions clicked away.
        el("tab-cluster").click();
        WebElement c = el("cluster-c");
        c.clear();
        c.sendKeys("4", Keys.TAB);
        wait.until(d -> "4".equals(d.findElement(By.id("cluster-grid")).getAttribute("data-component"))
                && d.findElements(By.cssSelector("#cluster-grid img")).size() > 3);
        List<WebElement> grid = browser.findElements(By.cssSelector("#cluster-grid img"));
        // "All of these are" the class most of the shown members have; the exceptions are two that are not
        // (or, where fewer differ, the next two members).
        int[] shown = grid.stream().mapToInt(g -> Integer.parseInt(g.getAttribute("data-image"))).toArray();
        String name = java.util.Arrays.stream(shown).mapToObj(this::truth)
                .collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting()))
                .entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<Integer> odd = new java.util.ArrayList<>();
        for (int g = 1; g < shown.length && odd.size() < 2; g++) if (!truth(shown[g]).equals(name)) odd.add(g);
        for (int g = 1; odd.size() < 2; g++) if (!odd.contains(g)) odd.add(g);
        int kept = shown[0], ex1 = shown[odd.get(0)], ex2 = shown[odd.get(1)];
        grid.get(odd.get(0)).click();
        grid.get(odd.get(1)).click();
        waitText("n-excluded", "2");
        shot("label-cluster");
        int before = session.labeledCount();
        el("cluster-label").sendKeys(name);
        el("cluster-apply").click();
        wait.until(d -> session.labeledCount() > before);
        assertEquals(-1, session.humanLabel(ex1), "an exception stays unlabeled");
        assertEquals(-1, session.humanLabel(ex2), "an exception stays unlabeled");
        assertEquals(session.classes().indexOf(name), session.humanLabel(kept));
        assertEquals(3 + 1 + 2, session.answersSpent(), "one action plus its two exceptions");
        int labeled = session.labeledCount();
        waitText("n-labeled", Integer.toString(labeled));

        // Review queues show up.
        el("tab-review").click();
        el("review-uncertain").click();
        wait.until(d -> d.findElements(By.cssSelector("#review-grid img")).size() > 0);
        shot("label-review");
        el("review-disagree").click();
        wait.until(d -> d.findElement(By.id("review-info")).getText().endsWith("images"));

        // Export: the download link also writes the files into the session folder.
        el("export-labels").click();
        Path csv = dir.resolve("session").resolve(Exports.LABELS);
        wait.until(d -> Files.exists(csv));
        assertEquals(labeled + 1, Files.readAllLines(csv).size());

        // Reload: everything is still there.
        browser.navigate().refresh();
        waitText("n-labeled", Integer.toString(labeled));
        assertEquals(Integer.toString(session.answersSpent()), text("n-answers"));
        askedImage();
    }

    /**
     * The first page from a sample while the model reads the other images: the page says so, and
     * when every image is read the question a person is typing an answer to stays on the page.
     */
    @Test void roundOneStartsFromASampleAndTheQuestionStaysWhenEveryImageIsRead() throws Exception {
        assertTrue(server.ready(Fixture.sampleOf(model, 5)) >= 0);
        browser.get(server.url("127.0.0.1"));
        String first = askedImage();
        wait.until(d -> d.findElement(By.id("status")).getText().contains("has read 100 of 500 images"));
        String name = truth(Integer.parseInt(first));
        el("label").sendKeys(name);   // typed, Enter not pressed yet
        shot("label-sample");

        assertTrue(server.ready(model) >= 0);
        wait.until(d -> d.findElement(By.id("status")).getText().contains("read every image"));
        assertEquals(first, askedImage(), "the image being answered did not change");
        assertEquals(name, el("label").getAttribute("value"), "what the person typed is still there");
        el("label").sendKeys(Keys.ENTER);
        waitText("n-labeled", "1");
        assertEquals(name, session.classes().get(session.humanLabel(Integer.parseInt(first))));
        String second = askedImage();
        assertNotEquals(first, second);
        assertTrue(model.isMostCentral(Integer.parseInt(second)), "then round 1 asks from every image");
    }
}
