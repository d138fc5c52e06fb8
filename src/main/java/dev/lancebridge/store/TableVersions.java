package dev.lancebridge.store;

import org.lance.Dataset;

import java.util.Comparator;
import java.util.List;

/**
 * A table's committed versions and its tags: time travel by number or by name. A tag pins its
 * version against cleanup until it is removed. Tags change through the writer's handle, under
 * the writer's lock (the caller holds it); the lists read a handle of their own.
 */
final class TableVersions {

    private final String table;
    private final ReadHandles handles;

    TableVersions(String table, ReadHandles handles) {
        this.table = table;
        this.handles = handles;
    }

    /** Names {@code version} {@code name}; refused when the name is taken or the version does not exist. */
    TagInfo tag(Dataset writer, String name, long version) {
        if (tags().stream().anyMatch(tag -> tag.name().equals(name))) {
            throw new IllegalArgumentException("table '" + table + "' already has a tag '" + name + "'");
        }
        try {
            writer.tags().create(name, version);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot tag version " + version + " of table '" + table + "' as '"
                    + name + "': " + e.getMessage(), e);
        }
        return new TagInfo(name, version);
    }

    /** Removes tag {@code name}; false when there is no such tag. */
    boolean untag(Dataset writer, String name) {
        if (tags().stream().noneMatch(tag -> tag.name().equals(name))) {
            return false;
        }
        writer.tags().delete(name);
        return true;
    }

    /** Every tag, by name. */
    List<TagInfo> tags() {
        try (Dataset dataset = handles.openLatest()) {
            return dataset.tags().list().stream()
                    .map(tag -> new TagInfo(tag.getName(), tag.getVersion()))
                    .sorted(Comparator.comparing(TagInfo::name))
                    .toList();
        }
    }

    /** The version a tag names. */
    long versionOf(String tag) {
        return tags().stream().filter(t -> t.name().equals(tag)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("table '" + table + "' has no tag '" + tag + "'"))
                .version();
    }

    /** Every committed version, oldest first. */
    List<VersionInfo> versions() {
        try (Dataset dataset = handles.openLatest()) {
            return dataset.listVersions().stream()
                    .map(v -> new VersionInfo(v.getId(), v.getDataTime().toInstant()))
                    .toList();
        }
    }
}
