package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import dev.muster.core.Json;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The web portal in a real browser (Debian's headless chromium) against the Muster of this test JVM: sign in with the
 * service connection string, create a symmetric-key enrollment, watch an Azure SDK device register live, open its
 * record, disable the enrollment and watch the next attempt refused, upload a CA and prove possession of its key.
 * Screenshots of each page land in target/portal-screenshots/.
 */
class PortalBrowserIT {
    private static Browser browser;
    private static Path files;

    @BeforeAll
    static void startBrowser() throws Exception {
        Browser.assumeInstalled();
        MusterUnderTest.info();
        files = Files.createTempDirectory("muster-portal-it-");
        browser = Browser.start();
        signIn();
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    private static String id(String prefix) {
        return Browser.uniqueId(prefix);
    }

    private static void signIn() {
        signInWith(MusterUnderTest.info().serviceConnectionString());
        browser.heading("Instance");
    }

    private static void signInWith(String connectionString) {
        browser.open("");
        browser.heading("Sign in to Muster");
        browser.screenshot("01-sign-in");
        browser.field("Service connection string").sendKeys(connectionString);
        browser.click("Sign in");
    }

    private static List<String> navigation() {
        return browser.driver.findElements(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList();
    }

    @Test
    void aPolicyWithReadRightsSeesOnlyWhatItMayUseAndAWrongKeyIsRefused() throws Exception {
        String name = "portal-reader-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> created = ServiceApiIT.raw("PUT", "/policies/" + name, "{\"rights\":\"EnrollmentRead\"}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        String key = Json.tree(created.body()).path("primaryKey").asText();
        try {
            browser.click("Sign out");
            signInWith("HostName=localhost;SharedAccessKeyName=" + name + ";SharedAccessKey="
                    + Base64.getEncoder().encodeToString(new byte[32]));
            browser.waitForText(By.id("messages"), "401");
            browser.screenshot("14-sign-in-refused");

            signInWith("HostName=localhost;SharedAccessKeyName=" + name + ";SharedAccessKey=" + key);
            browser.heading("Instance");
            // The hub pages need no right of the provisioning service: they sign with a hub's own key, pasted there.
            assertThat(navigation()).containsExactly("Overview", "Enrollments", "Hub devices", "Hub routes",
                    "Certificate policies");
            assertThat(browser.driver.findElement(By.tagName("main")).getText())
                    .contains("need the ServiceConfig right");
            browser.open("#/enrollments/individual");
            browser.visible(By.cssSelector(".pager"));
            assertThat(browser.driver.findElements(By.xpath("//a[normalize-space()='Add individual enrollment']")))
                    .isEmpty();
            assertThat(browser.driver.findElements(By.xpath("//button[normalize-space()='Delete']"))).isEmpty();
            browser.screenshot("15-read-only-policy");
        } finally {
            browser.click("Sign out");
            signIn();
        }
    }

    @Test
    void aSymmetricKeyGroupComputesTheDerivedKeyTheDeviceSdkComputes() throws Exception {
        String groupId = id("portal-group");
        browser.open("#/enrollments/new/group");
        browser.heading("Add enrollment group");
        browser.field("Group ID").sendKeys(groupId);
        browser.field("Initial twin (JSON)").clear();
        browser.field("Initial twin (JSON)").sendKeys("{\"tags\": {\"line\": 3,}}");
        browser.waitForText(By.cssSelector(".field-error"), "Not valid JSON");
        browser.click("Save");
        browser.waitForText(By.id("messages"), "The initial twin is not valid JSON");
        browser.field("Initial twin (JSON)").clear();
        browser.field("Initial twin (JSON)").sendKeys("{\"tags\": {\"line\": 3}}");
        browser.click("Save");
        browser.heading("Created enrollment group " + groupId);
        String groupKey = browser.visible(By.cssSelector("code.secret")).getText();
        browser.click("I have saved the keys");
        browser.heading("Enrollment group " + groupId);
        browser.field("Device registration ID").sendKeys("unit-7");
        browser.click("Compute device key");
        browser.waitForText(By.tagName("main"), "Device key for unit-7");
        assertThat(browser.driver.findElements(By.cssSelector("code.secret")).get(0).getText())
                .isEqualTo(Devices.derivedKey(groupKey, "unit-7"));
        browser.screenshot("17-group-derived-key");
        assertThat(Json.tree(ServiceApiIT.raw("GET", "/enrollmentGroups/" + groupId, null).body())
                .path("initialTwin").path("tags").path("line").asInt()).isEqualTo(3);
    }

    @Test
    void anX509EnrollmentIsCreatedFromAnUploadedPemFile() throws Exception {
        X509Devices.Identity device = X509Devices.selfSigned(id("portal-x509"));
        Path pem = Files.writeString(files.resolve(device.cn() + ".pem"), device.pem());
        browser.open("#/enrollments/new/individual");
        browser.heading("Add individual enrollment");
        browser.field("Registration ID").sendKeys(device.cn());
        new Select(browser.field("Attestation")).selectByVisibleText("X.509 (device certificate)");
        browser.field("Primary device certificate (PEM)").sendKeys(pem.toAbsolutePath().toString());
        browser.click("Save");
        browser.heading("Enrollment " + device.cn());
        browser.waitForText(By.cssSelector("dl.facts"), "Client (primary)");
        assertThat(Json.tree(ServiceApiIT.raw("GET", "/enrollments/" + device.cn(), null).body())
                .path("attestation").path("type").asText()).isEqualTo("x509");

        browser.click("Delete");
        browser.wait.until(ExpectedConditions.alertIsPresent()).accept();
        browser.heading("Enrollments");
        assertThat(ServiceApiIT.raw("GET", "/enrollments/" + device.cn(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void policiesAreListedWithTheirRightsAndAKeyIsRegenerated() throws Exception {
        String name = "portal-regen-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> created = ServiceApiIT.raw("PUT", "/policies/" + name, "{\"rights\":\"RegistrationStatusRead\"}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        String secondary = Json.tree(created.body()).path("secondaryKey").asText();
        browser.open("#/policies");
        browser.heading("Access policies");
        browser.waitForText(By.tagName("table"), name);
        browser.click("Regenerate the secondary key of " + name);
        browser.wait.until(ExpectedConditions.alertIsPresent()).accept();
        browser.waitForText(By.id("messages"), "Regenerated the secondary key of " + name);
        JsonNode after = Json.tree(ServiceApiIT.raw("GET", "/policies/" + name, null).body());
        assertThat(after.path("secondaryKey").asText()).isNotEqualTo(secondary);
        assertThat(after.path("primaryKey").asText()).isEqualTo(Json.tree(created.body()).path("primaryKey").asText());
        browser.open("#/policies");
        browser.heading("Access policies");
        browser.waitForText(By.tagName("table"), "provisioningserviceowner");
        browser.click("Show the keys of provisioningserviceowner");
        browser.waitForText(By.tagName("main"), "HostName=localhost;SharedAccessKeyName=provisioningserviceowner");
        browser.screenshot("16-policies");
    }

    @Test
    void overviewShowsTheInstanceAndItsLinkedHubs() {
        browser.open("#/overview");
        browser.waitForText(By.cssSelector("dl.facts"), MusterUnderTest.info().idScope());
        browser.waitForText(By.cssSelector("dl.facts"), "hashed");
        browser.waitForText(By.tagName("main"), MusterUnderTest.hub());
        browser.visible(By.cssSelector("svg.chart"));
        browser.screenshot("02-overview");
    }

    @Test
    void aDeviceOfANewEnrollmentAppearsLiveAndADisabledEnrollmentRefusesTheNextAttempt() throws Exception {
        String regId = id("portal-dev");
        browser.open("#/enrollments/new/individual");
        browser.heading("Add individual enrollment");
        browser.field("Registration ID").sendKeys(regId);
        browser.screenshot("03-create-enrollment");
        browser.click("Save");
        browser.heading("Created enrollment " + regId);
        String primaryKey = browser.visible(By.cssSelector("code.secret")).getText();
        assertThat(primaryKey).matches("[A-Za-z0-9+/=]{88}");
        browser.screenshot("04-keys-shown-once");

        browser.open("#/live");
        browser.visible(By.cssSelector(".stream-state.live"));
        Devices.Outcome first = Devices.register(regId, primaryKey, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        assertThat(first.error()).as(String.valueOf(first.error())).isNull();
        By row = By.xpath("//table[@id='live-table']//tr[contains(@class,'assigned')][.//a[normalize-space()="
                + Browser.quote(regId) + "]]");
        browser.visible(row);
        assertThat(browser.driver.findElement(row).getText()).contains(MusterUnderTest.hub());
        browser.screenshot("05-live-registrations");

        browser.driver.findElement(row).findElement(By.linkText(regId)).click();
        browser.heading("Registration " + regId);
        browser.waitForText(By.cssSelector("dl.facts"), MusterUnderTest.hub());
        assertThat(browser.driver.findElement(By.cssSelector("dl.facts")).getText()).contains("initialAssignment");
        browser.screenshot("06-registration-record");

        browser.open("#/enrollments/individual/" + regId);
        browser.heading("Enrollment " + regId);
        new Select(browser.field("Provisioning status")).selectByVisibleText("Disabled");
        browser.click("Save changes");
        browser.waitForText(By.id("messages"), "Saved enrollment " + regId);
        browser.waitForText(By.cssSelector("dl.facts"), "disabled");
        browser.screenshot("07-enrollment-disabled");

        browser.open("#/live");
        browser.visible(By.cssSelector(".stream-state.live"));
        Devices.Outcome second = Devices.register(regId, primaryKey, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        assertThat(second.result() == null || second.result().getProvisioningDeviceClientStatus()
                != ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED).isTrue();
        By refused = By.xpath("//table[@id='live-table']//tr[contains(@class,'disabled')][.//a[normalize-space()="
                + Browser.quote(regId) + "]]");
        browser.visible(refused);
        assertThat(browser.driver.findElement(refused).getText()).contains("is disabled");

        String stranger = id("portal-stranger");
        Devices.register(stranger, primaryKey, ProvisioningDeviceClientTransportProtocol.MQTT, null);
        browser.visible(By.xpath("//table[@id='live-table']//tr[contains(@class,'failed')][.//a[normalize-space()="
                + Browser.quote(stranger) + "]]"));
        String another = id("portal-dev");
        String anotherKey = Json.tree(ServiceApiIT.raw("PUT", "/enrollments/" + another, "{\"registrationId\":\""
                + another + "\",\"attestation\":{\"type\":\"symmetricKey\"}}").body())
                .path("attestation").path("symmetricKey").path("primaryKey").asText();
        assertThat(Devices.register(another, anotherKey, ProvisioningDeviceClientTransportProtocol.AMQPS, null).error())
                .isNull();
        browser.visible(By.xpath("//table[@id='live-table']//tr[contains(@class,'assigned')][.//a[normalize-space()="
                + Browser.quote(another) + "]]"));
        browser.screenshot("05b-live-registrations-outcomes");
    }

    @Test
    void anEditBasedOnAStaleEtagIsRefusedPlainly() throws Exception {
        String regId = id("portal-stale");
        assertThat(ServiceApiIT.raw("PUT", "/enrollments/" + regId, "{\"registrationId\":\"" + regId
                + "\",\"attestation\":{\"type\":\"symmetricKey\"}}").statusCode()).isEqualTo(200);
        browser.open("#/enrollments/individual/" + regId);
        browser.heading("Enrollment " + regId);
        // Someone else changes the enrollment while the page is open.
        String current = ServiceApiIT.raw("GET", "/enrollments/" + regId, null).body();
        assertThat(ServiceApiIT.raw("PUT", "/enrollments/" + regId, current.replace("\"enabled\"", "\"disabled\""))
                .statusCode()).isEqualTo(200);
        browser.click("Save changes");
        browser.waitForText(By.id("messages"), "Someone changed this enrollment after you opened it");
        browser.screenshot("08-etag-conflict");
    }

    @Test
    void aCaCertificateIsUploadedAndVerifiedByProofOfPossession() throws Exception {
        X509Devices.Identity root = X509Devices.root("Portal Test Root " + UUID.randomUUID());
        Path pem = Files.writeString(files.resolve("root.pem"), root.pem());
        String name = id("portal-ca");
        browser.open("#/certificates");
        browser.heading("Certificates");
        browser.field("Name").sendKeys(name);
        browser.field("CA certificate (PEM)").sendKeys(pem.toAbsolutePath().toString());
        browser.click("Upload");
        browser.heading("Certificate " + name);
        browser.waitForText(By.id("cert-state"), "unverified");

        browser.click("Generate verification code");
        String code = browser.visible(By.cssSelector("code.secret")).getText();
        assertThat(code).isNotBlank();
        browser.screenshot("09-certificate-verification-code");
        Path proof = Files.writeString(files.resolve("verify.pem"),
                Certificates.pem(CertificateMaker.verification(code, root.cert(), root.key())));
        browser.field("Verification certificate (PEM)").sendKeys(proof.toAbsolutePath().toString());
        browser.click("Verify");
        browser.wait.until(ExpectedConditions.textToBe(By.id("cert-state"), "verified"));
        browser.screenshot("10-certificate-verified");

        browser.open("#/certificates");
        browser.waitForText(By.tagName("table"), name);
        browser.screenshot("11-certificates");
    }

    @Test
    void linkedHubsAndEnrollmentListsRender() {
        browser.open("#/hubs");
        browser.heading("Linked hubs");
        browser.waitForText(By.tagName("table"), MusterUnderTest.hub());
        browser.screenshot("12-linked-hubs");
        browser.open("#/enrollments/individual");
        browser.heading("Enrollments");
        browser.visible(By.cssSelector(".pager"));
        browser.screenshot("13-enrollments");
    }
}
