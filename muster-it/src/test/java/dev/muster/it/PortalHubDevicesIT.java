package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The portal's Hub devices page in a real browser (Debian's headless chromium), calling the first built-in hub's own
 * REST API cross-origin with the hub connection string pasted on the page, while the official Java device client
 * (iot-device-client over MQTT) is the device: listed Disconnected, then Connected; a direct method invoked from the
 * page is answered by the device, or by a module connected with the Java ModuleClient; a message sent from the page
 * reaches the device with its properties. Screenshots land in
 * target/portal-screenshots/.
 */
class PortalHubDevicesIT {
    private static Browser browser;
    private static final String HUB = MusterUnderTest.hub();
    private static final HubRest REST = new HubRest(MusterUnderTest.info().hubs().get(0).connectionString());

    @BeforeAll
    static void startBrowser() throws Exception {
        Browser.assumeInstalled();
        browser = Browser.start();
        browser.open("");
        browser.field("Service connection string").sendKeys(MusterUnderTest.info().serviceConnectionString());
        browser.click("Sign in");
        browser.heading("Instance");
        browser.open("#/hub-devices");
        browser.heading("Hub devices");
        browser.field("Hub connection string").sendKeys(MusterUnderTest.info().hubs().get(0).connectionString());
        browser.screenshot("20-hub-connect");
        browser.click("Connect to hub");
        try {
            browser.visible(By.cssSelector(".pager"));
        } catch (RuntimeException e) {
            browser.screenshot("20-hub-connect-failed");
            throw new AssertionError("the page said: " + browser.driver.findElement(By.tagName("main")).getText(), e);
        }
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    private static void query(String condition) {
        WebElement box = browser.field("Query");
        box.clear();
        box.sendKeys(condition);
        browser.click("Run query");
    }

    /** The page's row of a device once the query shows it. */
    private static WebElement rowOf(String deviceId) {
        return browser.visible(By.xpath("//tr[td/a[normalize-space()=" + Browser.quote(deviceId) + "]]"));
    }

    @Test
    void theEventsEndpointShowsItsConnectionStringMaskedAndManagesConsumerGroups() throws Exception {
        String hubCs = MusterUnderTest.info().hubs().get(0).connectionString();
        String key = dev.muster.core.sas.ConnectionString.parse(hubCs).key();
        browser.open("#/hub-devices");
        browser.heading("Hub devices");
        browser.waitForText(By.tagName("main"), "Events endpoint (Event Hubs-compatible)");
        browser.waitForText(By.tagName("main"), "$Default");
        String page = browser.driver.findElement(By.tagName("main")).getText();
        assertThat(page).contains("Endpoint=sb://" + HUB + "/;SharedAccessKeyName=iothubowner;SharedAccessKey=")
                .contains("EntityPath=" + HUB).doesNotContain(key);

        String group = Browser.uniqueId("portal-cg");
        browser.field("New consumer group").sendKeys(group);
        browser.click("Add consumer group");
        browser.waitForText(By.tagName("main"), group);
        assertThat(REST.call("GET", "/eventHubEndpoints/events/ConsumerGroups/" + group, null).statusCode())
                .isEqualTo(200);
        browser.screenshot("24-hub-events-endpoint");
        browser.click("Remove consumer group " + group);
        browser.wait.until(ExpectedConditions.alertIsPresent()).accept();
        browser.wait.until(d -> !d.findElement(By.tagName("main")).getText().contains(group));
        assertThat(REST.call("GET", "/eventHubEndpoints/events/ConsumerGroups/" + group, null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aDeviceIsSeenConnectingAnswersAMethodAndReceivesAMessageSentFromThePage() throws Exception {
        String key = Ids.symmetricKey();
        String deviceId = Browser.uniqueId("portal-hub");
        REST.createSasDevice(deviceId, key);
        browser.open("#/hub-devices");
        browser.heading("Hub devices");
        query("deviceId = '" + deviceId + "'");
        browser.wait.until(d -> rowOf(deviceId).getText().contains("Disconnected"));
        assertThat(rowOf(deviceId).getText()).contains("enabled", "sas", "never");

        try (AnsweringDevice device = AnsweringDevice.connect(HUB, deviceId, key)) {
            browser.click("Run query");
            browser.wait.until(d -> rowOf(deviceId).getText().contains("Connected")
                    && !rowOf(deviceId).getText().contains("Disconnected"));
            browser.screenshot("21-hub-devices-connected");

            browser.click(deviceId);
            browser.heading("Device " + deviceId);
            browser.waitForText(By.id("connection-state"), "Connected");
            assertThat(browser.driver.findElement(By.id("connection-state")).getText()).contains("since");

            browser.field("Method name").sendKeys("reboot");
            WebElement payload = browser.field("Payload (JSON)");
            payload.clear();
            payload.sendKeys("{\"delay\": 5,}");
            browser.waitForText(By.cssSelector(".field-error"), "Not valid JSON");
            browser.click("Invoke method");
            assertThat(browser.driver.findElements(By.cssSelector(".method-status"))).isEmpty();
            payload.clear();
            payload.sendKeys("{\"delay\": 5}");
            WebElement timeout = browser.field("Response timeout (seconds)");
            timeout.clear();
            timeout.sendKeys("10");
            browser.click("Invoke method");
            browser.waitForText(By.cssSelector(".method-status"), "201");
            assertThat(Json.tree(browser.driver.findElement(By.cssSelector(".method-payload")).getText()))
                    .isEqualTo(Json.tree("{\"called\":\"reboot\",\"with\":5}"));
            browser.screenshot("22-hub-device-method");

            browser.field("Message body").sendKeys("{\"led\":\"on\"}");
            browser.field("Properties").sendKeys("kind=command\nzone=7");
            browser.field("Message ID").sendKeys("portal-msg-1");
            browser.click("Send message");
            browser.waitForText(By.id("messages"), "Queued a message for " + deviceId);
            Message m = device.nextMessage(15);
            assertThat(m).as("the message sent from the portal").isNotNull();
            assertThat(new String(m.getBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"led\":\"on\"}");
            assertThat(m.getProperty("kind")).isEqualTo("command");
            assertThat(m.getProperty("zone")).isEqualTo("7");
            assertThat(m.getMessageId()).isEqualTo("portal-msg-1");
            browser.screenshot("23-hub-device-message-sent");
        }
    }

    @Test
    void aDeviceShowsItsTwinAndModulesAConnectedModuleAnswersAMethodAndTheHubsRefusalsAreShown() throws Exception {
        String deviceId = Browser.uniqueId("portal-twin");
        REST.createSasDevice(deviceId, Ids.symmetricKey());
        REST.patchTwin(deviceId, "{\"tags\":{\"site\":\"portal-lab\"},\"properties\":{\"desired\":{\"fw\":3}}}");
        String moduleKey = Ids.symmetricKey();
        assertThat(REST.call("PUT", "/devices/" + deviceId + "/modules/sensor", "{\"deviceId\":\"" + deviceId
                + "\",\"moduleId\":\"sensor\",\"authentication\":{\"type\":\"sas\",\"symmetricKey\":{"
                + "\"primaryKey\":\"" + moduleKey + "\",\"secondaryKey\":\"" + moduleKey + "\"}}}").statusCode())
                .isIn(200, 201);
        ModuleClient module = new ModuleClient("HostName=" + HUB + ";DeviceId=" + deviceId + ";ModuleId=sensor;"
                + "SharedAccessKey=" + moduleKey, IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(MusterUnderTest.trust()).build());
        module.open(true);
        try {
            module.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200,
                    Map.of("module", "sensor", "method", name)), null);
            for (int i = 0; i < 50 && !Json.tree(REST.call("GET", "/devices/" + deviceId + "/modules/sensor", null)
                    .body()).path("connectionState").asText().equals("Connected"); i++) {
                Thread.sleep(200);
            }

            browser.open("#/hub-devices/" + deviceId);
            browser.heading("Device " + deviceId);
            browser.waitForText(By.tagName("main"), "portal-lab");
            assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains("\"fw\": 3");
            WebElement modules = browser.visible(By.xpath("//section[h2='Modules']//table"));
            assertThat(modules.getText()).contains("sensor", "Connected").doesNotContain("Disconnected");

            new Select(browser.field("Method target")).selectByVisibleText("Module sensor");
            browser.field("Method name").sendKeys("calibrate");
            browser.click("Invoke method");
            browser.waitForText(By.cssSelector(".method-status"), "200");
            assertThat(Json.tree(browser.driver.findElement(By.cssSelector(".method-payload")).getText()))
                    .isEqualTo(Json.tree("{\"module\":\"sensor\",\"method\":\"calibrate\"}"));

            new Select(browser.field("Method target")).selectByVisibleText("The device itself");
            browser.click("Invoke method");
            browser.waitForText(By.cssSelector(".method-result"), "404103");
            browser.screenshot("24-hub-device-not-online");
        } finally {
            module.close();
        }

        for (int i = 0; i < 50; i++) {
            assertThat(REST.call("POST", "/devices/" + deviceId + "/messages/devicebound", "m" + i).statusCode())
                    .isEqualTo(204);
        }
        browser.field("Message body").sendKeys("one too many");
        browser.click("Send message");
        browser.waitForText(By.id("messages"), "403004");
        browser.click("Refresh the identity and connection state");
        browser.waitForText(By.id("queued-c2d"), "50");
    }

    @Test
    void aQueryOnTagsPagesThroughItsDevices() throws Exception {
        String site = Browser.uniqueId("portal-site");
        for (int i = 0; i < 23; i++) {
            String deviceId = String.format("%s-%02d", site, i);
            REST.createSasDevice(deviceId, Ids.symmetricKey());
            REST.patchTwin(deviceId, "{\"tags\":{\"site\":\"" + site + "\"}}");
        }
        browser.open("#/hub-devices");
        browser.heading("Hub devices");
        query("tags.site = '" + site + "'");
        rowOf(site + "-00");
        assertThat(browser.driver.findElements(By.xpath("//section[h2='Devices']//tbody/tr"))).hasSize(20);
        browser.click("Next page");
        rowOf(site + "-22");
        assertThat(browser.driver.findElements(By.xpath("//section[h2='Devices']//tbody/tr"))).hasSize(3);
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".pager"), "Page 2"));
        browser.screenshot("25-hub-devices-query-page-2");

        query("SELECT COUNT() AS n FROM devices WHERE tags.site = '" + site + "'");
        browser.waitForText(By.xpath("//section[h2='Devices']//pre"), "23");

        query("tags.site = ");
        browser.waitForText(By.xpath("//section[h2='Devices']"), "400");
    }
}
