package dev.lancebridge.search;

/** How an answer of rows is written: JSON, or Arrow IPC as a stream or in the file framing. */
public enum Encoding {
    JSON("application/json"),
    ARROW_STREAM(ArrowIpc.MEDIA_TYPE),
    ARROW_FILE(ArrowIpc.FILE_MEDIA_TYPE);

    private final String mediaType;

    Encoding(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }
}
