package dev.lancebridge.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One PNG: a panel per distribution group, each series drawn as a CDF on a log-scale latency axis. */
final class Charts {

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)};
    private static final int PANEL_W = 620;
    private static final int PANEL_H = 380;

    private Charts() {
    }

    static void write(Path file, Map<String, Map<String, List<Double>>> panels) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int count = Math.max(1, panels.size());
        BufferedImage image = new BufferedImage(PANEL_W * count, PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        int x = 0;
        for (Map.Entry<String, Map<String, List<Double>>> panel : panels.entrySet()) {
            drawPanel(g, x, panel.getKey(), panel.getValue());
            x += PANEL_W;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void drawPanel(Graphics2D g, int ox, String title, Map<String, List<Double>> series) {
        int left = ox + 60;
        int right = ox + PANEL_W - 20;
        int top = 40;
        int bottom = PANEL_H - 50;
        double min = Double.MAX_VALUE;
        double max = 0;
        for (List<Double> sample : series.values()) {
            for (double v : sample) {
                min = Math.min(min, Math.max(v, 0.1));
                max = Math.max(max, v);
            }
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.ceil(Math.log10(Math.max(max, min * 10)));
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(left, top, right - left, bottom - top);
        for (double d = lo; d <= hi; d++) {
            int px = left + (int) ((d - lo) / (hi - lo) * (right - left));
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.BLACK);
            g.drawString(label(Math.pow(10, d)), px - 12, bottom + 15);
        }
        for (int q = 0; q <= 4; q++) {
            int py = bottom - q * (bottom - top) / 4;
            g.drawString(q * 25 + "%", ox + 22, py + 4);
        }
        g.drawString("latency (ms, log scale) — fraction of requests at or below", left + 80, bottom + 35);
        int index = 0;
        for (Map.Entry<String, List<Double>> entry : series.entrySet()) {
            List<Double> sorted = new ArrayList<>(entry.getValue());
            sorted.sort(Double::compare);
            Color color = PALETTE[index % PALETTE.length];
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            int px0 = -1;
            int py0 = -1;
            for (int i = 0; i < sorted.size(); i++) {
                double v = Math.max(sorted.get(i), 0.1);
                int px = left + (int) ((Math.log10(v) - lo) / (hi - lo) * (right - left));
                int py = bottom - (int) ((i + 1) / (double) sorted.size() * (bottom - top));
                if (px0 >= 0) {
                    g.drawLine(px0, py0, px, py);
                }
                px0 = px;
                py0 = py;
            }
            g.fillRect(left + 10, top + 10 + index * 16, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(entry.getKey() + " (n=" + sorted.size() + ")", left + 25, top + 19 + index * 16);
            index++;
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static String label(double ms) {
        return ms >= 1000 ? (int) (ms / 1000) + " s" : ms >= 1 ? (int) ms + "" : String.valueOf(ms);
    }
}
