package dev.muster.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IfMatchTest {
    @Test
    void equalTagsMatch() {
        assertThat(IfMatch.matches("abc", "abc")).isTrue();
    }

    @Test
    void quotesAndWeakPrefixAreIgnoredOnEitherSide() {
        assertThat(IfMatch.matches("\"abc\"", "abc")).isTrue();
        assertThat(IfMatch.matches("W/\"abc\"", "\"abc\"")).isTrue();
        assertThat(IfMatch.matches(" \"abc\" ", "W/abc")).isTrue();
    }

    @Test
    void differentTagsDoNotMatch() {
        assertThat(IfMatch.matches("\"abc\"", "abd")).isFalse();
    }

    @Test
    void nothingStoredNeverMatches() {
        assertThat(IfMatch.matches("abc", null)).isFalse();
        assertThat(IfMatch.matches("*", null)).isFalse();
    }

    @Test
    void aLoneQuoteIsKeptAsPartOfTheTag() {
        assertThat(IfMatch.matches("\"", "")).isFalse();
        assertThat(IfMatch.matches("\"", "\"")).isTrue();
    }

    @Test
    void theWildcardBareOrQuotedAndAnAbsentHeaderAskForNoCondition() {
        assertThat(IfMatch.isAny(null)).isTrue();
        assertThat(IfMatch.isAny(" ")).isTrue();
        assertThat(IfMatch.isAny("*")).isTrue();
        assertThat(IfMatch.isAny(" \"*\" ")).isTrue();
        assertThat(IfMatch.isAny("\"abc\"")).isFalse();
        assertThat(IfMatch.isAny("**")).isFalse();
    }
}
