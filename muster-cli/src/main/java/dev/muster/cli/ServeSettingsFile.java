package dev.muster.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code serve}'s settings from a file named by {@code MUSTER_CONFIG} (or the {@code muster.config} system property):
 * {@code name = value} lines whose names are serve's options without the dashes, e.g. {@code database = postgresql://…},
 * {@code database-pool-size = 32}, {@code bind = 0.0.0.0}, {@code hub-host = hub1.example.com,hub2.example.com}. The
 * command line wins over the file; the file wins over {@code MUSTER_DATABASE} and the other environment variables.
 */
final class ServeSettingsFile implements IDefaultValueProvider {
    static final String PROPERTY = "muster.config";

    private Properties settings;

    @Override
    public String defaultValue(ArgSpec argSpec) throws IOException {
        if (!(argSpec instanceof OptionSpec option) || option.command() == null) {
            return null;
        }
        Properties s = settings(option);
        return s == null ? null : s.getProperty(option.longestName().replaceFirst("^-+", ""));
    }

    private Properties settings(OptionSpec anyOption) throws IOException {
        if (settings != null) {
            return settings;
        }
        String name = System.getProperty(PROPERTY, Environment.configFile().orElse(null));
        if (name == null || name.isBlank()) {
            return null;
        }
        Path file = Path.of(name.strip());
        Properties loaded = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            loaded.load(in);
        } catch (IOException e) {
            throw new UsageError(Environment.CONFIG_FILE + " names " + file.toAbsolutePath() + ", which cannot be read: " + e.getMessage());
        }
        Set<String> known = new TreeSet<>();
        for (OptionSpec o : anyOption.command().options()) {
            if (!o.hidden() && !o.usageHelp() && !o.versionHelp()) {
                known.add(o.longestName().replaceFirst("^-+", ""));
            }
        }
        for (String key : loaded.stringPropertyNames()) {
            if (!known.contains(key)) {
                throw new UsageError("Unknown setting '" + key + "' in " + file.toAbsolutePath() + "; the settings are serve's"
                        + " options without the dashes: " + String.join(", ", known) + ".");
            }
        }
        settings = loaded;
        return settings;
    }
}
