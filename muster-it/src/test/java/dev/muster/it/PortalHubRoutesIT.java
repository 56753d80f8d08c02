package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The portal's Hub routes page in a real browser (headless chromium) on the second built-in hub's own REST API: a
 * condition the hub cannot parse is refused with its position, a route is saved and listed, a test message says which
 * route takes it, the fallback route is switched off, the route removed. The hub's routing is put back afterwards.
 */
class PortalHubRoutesIT {
    private static final String HUB = MusterUnderTest.SECOND_HUB;
    private static final String CONNECTION_STRING = MusterUnderTest.info().hubs().stream()
            .filter(h -> h.hostName().equals(HUB)).findFirst().orElseThrow().connectionString();
    private static Browser browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        Browser.assumeInstalled();
        browser = Browser.start();
        browser.open("");
        browser.field("Service connection string").sendKeys(MusterUnderTest.info().serviceConnectionString());
        browser.click("Sign in");
        browser.heading("Instance");
        browser.open("#/hub-routes");
        browser.field("Hub connection string").sendKeys(CONNECTION_STRING);
        browser.click("Connect to hub");
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
        new HubRest(CONNECTION_STRING).call("PUT", "/routing", "{\"routes\":[]}");
    }

    private static void addRoute(String name, String condition) {
        WebElement n = browser.field("Route name");
        n.clear();
        n.sendKeys(name);
        WebElement c = browser.field("Condition");
        c.clear();
        c.sendKeys(condition);
        browser.click("Save route");
    }

    @Test
    void anOperatorSavesTestsAndRemovesARoute() throws Exception {
        browser.open("#/hub-routes");
        browser.heading("Hub routes");
        try {
            browser.visible(By.xpath("//td[starts-with(normalize-space(), '$fallback')]"));
        } catch (RuntimeException e) {
            browser.screenshot("40-hub-routes-failed");
            throw new AssertionError("the page said: " + browser.driver.findElement(By.tagName("main")).getText(), e);
        }

        addRoute("broken", "kind = 'alarm' AND");
        browser.waitForText(By.id("messages"), "position 19");
        browser.screenshot("40-hub-route-refused");

        addRoute("alarms", "kind = 'alarm' AND $body.temperature > 30");
        browser.waitForText(By.id("messages"), "Route alarms saved.");
        browser.visible(By.xpath("//td[normalize-space()='alarms']"));
        assertThat(Json.tree(new HubRest(CONNECTION_STRING).call("GET", "/routing", null).body())
                .at("/routes/0/condition").asText()).isEqualTo("kind = 'alarm' AND $body.temperature > 30");

        WebElement props = browser.field("Application properties");
        props.sendKeys("kind=alarm");
        browser.click("Test message");
        browser.waitForText(By.cssSelector(".test-result"), "Routes: alarms · endpoints: events");
        browser.screenshot("41-hub-route-tested");

        browser.click("Disable fallback");
        browser.waitForText(By.id("messages"), "Fallback route disabled.");
        new Select(browser.field("Source")).selectByValue("DeviceMessages");
        props = browser.field("Application properties");
        props.clear();
        props.sendKeys("kind=info");
        browser.click("Test message");
        browser.waitForText(By.cssSelector(".test-result"), "endpoints: none (dropped)");

        browser.click("Remove route alarms");
        browser.waitForText(By.id("messages"), "Route alarms removed.");
        assertThat(Json.tree(new HubRest(CONNECTION_STRING).call("GET", "/routing", null).body()).path("routes"))
                .isEmpty();
    }
}
