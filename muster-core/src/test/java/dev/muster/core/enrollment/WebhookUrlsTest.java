package dev.muster.core.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookUrlsTest {

    @Test
    void masksTheWholeQueryString() {
        assertThat(WebhookUrls.mask("https://fn.azurewebsites.net/api/alloc?code=abc%3D%3D&clientId=default"))
                .isEqualTo("https://fn.azurewebsites.net/api/alloc?***");
        assertThat(WebhookUrls.mask("http://127.0.0.1:8080/alloc")).isEqualTo("http://127.0.0.1:8080/alloc");
        assertThat(WebhookUrls.mask("HTTPS://Fn.Example/x?")).isEqualTo("https://Fn.Example/x?***");
    }

    @Test
    void masksUserInfoAndDropsTheFragment() {
        assertThat(WebhookUrls.mask("https://user:pa55@fn.example/api#frag")).isEqualTo("https://***@fn.example/api");
    }

    @Test
    void masksEvenWhatDoesNotParse() {
        String masked = WebhookUrls.mask("https://fn example/api?code=s e c r e t");
        assertThat(masked).isEqualTo("https://fn example/api?***");
        assertThat(WebhookUrls.mask("not a url at all ?code=x")).doesNotContain("code=x");
        assertThat(WebhookUrls.mask(null)).isEqualTo("(no URL)");
    }

    @Test
    void scrubsSecretsOutOfFreeText() {
        String url = "https://fn.example/api/alloc?code=TopSecret";
        assertThat(WebhookUrls.scrub("POST " + url + " failed", url)).isEqualTo("POST https://fn.example/api/alloc?*** failed");
        assertThat(WebhookUrls.scrub("bad query code=TopSecret", url)).doesNotContain("TopSecret");
        assertThat(WebhookUrls.scrub(null, url)).isNull();
        assertThat(WebhookUrls.scrub("invalid function key TopSecret", url)).as("the bare value too")
                .isEqualTo("invalid function key ***");
        assertThat(WebhookUrls.scrub("key a%2Fb+c==", "https://fn.example/x?code=a%252Fb%2Bc%3D%3D"))
                .as("decoded value").doesNotContain("c==");
    }
}
