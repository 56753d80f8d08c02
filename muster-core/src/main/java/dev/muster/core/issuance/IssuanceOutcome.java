package dev.muster.core.issuance;

/** What became of a CSR sent with a registration. */
public sealed interface IssuanceOutcome {
    record Issued(IssuedChain chain, IssuedCertificate record) implements IssuanceOutcome {}

    /** Nothing was signed; the verdict says why (for operators) and what the device hears. */
    record Refused(CsrVerdict.Refused verdict) implements IssuanceOutcome {}
}
