package dev.muster.hub.query;

/** The collections a registry query reads: device twins, and module twins. */
public enum QuerySource { DEVICES, MODULES }
