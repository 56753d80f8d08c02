package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Certificate issuance operated from the portal in a real browser: a certificate policy made and edited there, a
 * device of an enrollment made there naming it registers with a CSR (raw HTTPS, as no classic SDK sends one), its
 * certificate and a refused CSR's reason appear on its registration view, it is revoked there, and the policy
 * refuses deletion while the enrollment names it. Screenshots land in target/portal-screenshots/.
 */
class PortalCertificatesIT {
    private static Browser browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        Browser.assumeInstalled();
        MusterUnderTest.info();
        browser = Browser.start();
        browser.open("");
        browser.heading("Sign in to Muster");
        browser.field("Service connection string").sendKeys(MusterUnderTest.info().serviceConnectionString());
        browser.click("Sign in");
        browser.heading("Instance");
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aPolicyMadeInThePortalIssuesACertificateThatTheRegistrationViewShowsAndRevokes() throws Exception {
        String policy = Browser.uniqueId("portal-policy");
        browser.open("#/certificate-policies");
        browser.heading("Certificate policies");
        browser.waitForText(By.tagName("table"), "default");
        browser.field("Policy name").sendKeys(policy);
        browser.field("Validity (days)").clear();
        browser.field("Validity (days)").sendKeys("7");
        browser.click("Add policy");
        browser.heading("Certificate policy " + policy);
        browser.waitForText(By.cssSelector("dl.facts"), "7 days");
        browser.field("Validity (days)").clear();
        browser.field("Validity (days)").sendKeys("10");
        browser.click("Save policy");
        browser.waitForText(By.id("messages"), "Saved certificate policy " + policy);
        browser.waitForText(By.cssSelector("dl.facts"), "10 days");
        browser.screenshot("20-certificate-policy");

        String service = MusterUnderTest.info().serviceConnectionString();
        String registrationId = Browser.uniqueId("portal-csr");
        browser.open("#/enrollments/new/individual");
        browser.heading("Add individual enrollment");
        browser.field("Registration ID").sendKeys(registrationId);
        browser.field("Certificate policy").sendKeys(policy);
        browser.click("Save");
        browser.heading("Created enrollment " + registrationId);
        CertificateIssuanceIT.Enrolled device = new CertificateIssuanceIT.Enrolled(registrationId,
                browser.visible(By.cssSelector("code.secret")).getText());
        assertThat(ServiceRest.json(ServiceRest.call(service, "GET", "/enrollments/" + registrationId, null))
                .path("credentialPolicyName").asText()).isEqualTo(policy);
        assertThat(CertificateIssuanceIT.register(device, CertificateIssuanceIT.opensslCsr("someone-else").csr(),
                CertificateIssuanceIT.PREVIEW).statusCode()).as("a CSR naming another device").isEqualTo(400);
        HttpResponse<String> registered = CertificateIssuanceIT.register(device,
                CertificateIssuanceIT.opensslCsr(registrationId).csr(), CertificateIssuanceIT.PREVIEW);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        String serial = ServiceRest.json(ServiceRest.call(service, "GET", "/registrations/" + registrationId
                + "/certificates", null)).get(0).path("serialNumber").asText();

        browser.open("#/registrations/" + registrationId);
        browser.heading("Registration " + registrationId);
        browser.waitForText(By.tagName("main"), serial);
        browser.waitForText(By.tagName("main"), "CSR refused");
        assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains(policy).contains("good");
        browser.screenshot("21-registration-issued-certificates");
        browser.click("Revoke certificate " + serial);
        browser.wait.until(ExpectedConditions.alertIsPresent()).accept();
        browser.waitForText(By.id("messages"), "Revoked 1 certificate of " + registrationId);
        browser.waitForText(By.tagName("main"), "revoked");
        JsonNode after = ServiceRest.json(ServiceRest.call(service, "GET", "/registrations/" + registrationId
                + "/certificates", null));
        assertThat(after.get(0).has("revokedAt")).isTrue();

        browser.open("#/certificate-policies/" + policy);
        browser.heading("Certificate policy " + policy);
        browser.waitForText(By.tagName("main"), registrationId);
        browser.click("Delete policy");
        browser.wait.until(ExpectedConditions.alertIsPresent()).accept();
        browser.waitForText(By.id("messages"), "1 individual enrollment(s)");
        browser.screenshot("22-certificate-policy-in-use");
        assertThat(ServiceRest.call(service, "GET", "/certificatePolicies/" + policy, null).statusCode())
                .isEqualTo(200);
    }
}
