package gmvae4j.datasets;

import java.util.ArrayList;
import java.util.List;

/**
 * Stroke templates for the 26 letters, upper and lower case, with a few style variants where
 * handwriting naturally differs (single- and double-storey a, g with an open tail, I with and
 * without serifs, cursive curves drawn as Béziers...). Each letter therefore has several visual
 * modes, which is what makes {@link Glyphs} a clustering problem rather than 26 blobs.
 *
 * <p>Coordinates: x to the right, y downwards, capitals in the unit box [0,1]², lower case with
 * x-height from y=0.45 to 1, ascenders from 0 and descenders to about 1.4. The generator
 * rescales each glyph to fit the frame, so only shapes and proportions matter here.
 *
 * <p>Template syntax, strokes separated by {@code ;}:
 * <ul>
 *   <li>{@code L x0 y0 x1 y1} a straight line</li>
 *   <li>{@code A cx cy rx ry a0 a1} an elliptical arc, angles in degrees from a0 to a1
 *       (0 = right, 90 = down, so a sweep from -90 to 90 goes through the right side)</li>
 *   <li>{@code Q x0 y0 cx cy x1 y1} a quadratic Bézier</li>
 *   <li>{@code C x0 y0 c1x c1y c2x c2y x1 y1} a cubic Bézier</li>
 * </ul>
 */
final class GlyphTemplates {
    private GlyphTemplates() {}

    /** One stroke: its kind letter and numeric parameters. */
    record Stroke(char kind, double[] p) {}

    private static final String[][] SOURCE = {
        /* a */ {"L 0 1 .5 0; L .5 0 1 1; L .2 .6 .8 .6",
                 "L .05 1 .4 0; L .4 0 .6 0; L .6 0 .95 1; L .25 .6 .75 .6",
                 "A .5 .72 .4 .28 0 360; L .9 .45 .9 1",
                 "A .45 .56 .4 .12 -170 0; L .85 .56 .85 1; A .48 .82 .37 .18 -80 280"},
        /* b */ {"L 0 0 0 1; L 0 0 .5 0; A .5 .25 .3 .25 -90 90; L .5 .5 0 .5; A .55 .75 .4 .25 -90 90; L .55 1 0 1",
                 "L 0 0 0 1; A .4 .72 .4 .28 0 360"},
        /* c */ {"A .5 .5 .5 .5 -45 -315",
                 "A .5 .72 .45 .28 -45 -315",
                 "C .9 .5 .6 .35 0 .5 .1 .85; C .1 .85 .25 1.05 .7 1 .95 .9"},
        /* d */ {"L 0 0 0 1; A 0 .5 1 .5 -90 90",
                 "L 1 0 1 1; A .6 .72 .4 .28 0 360"},
        /* e */ {"L 0 0 0 1; L 0 0 1 0; L 0 .5 .8 .5; L 0 1 1 1",
                 "L .05 .72 .95 .72; A .5 .72 .45 .28 0 -315",
                 "C .1 .75 .7 .75 .9 .4 .4 .45; C .4 .45 -.1 .55 .1 1.05 .9 .9"},
        /* f */ {"L 0 0 0 1; L 0 0 1 0; L 0 .5 .8 .5",
                 "A .75 .2 .25 .2 -30 -180; L .5 .2 .5 1; L .2 .45 .85 .45"},
        /* g */ {"A .5 .5 .5 .5 -45 -360; L 1 .5 .55 .5",
                 "A .5 .5 .5 .5 -45 -360; L 1 .5 .55 .5; L 1 .5 1 1",
                 "A .5 .72 .4 .28 0 360; L .9 .45 .9 1.15; A .5 1.15 .4 .25 0 150",
                 "A .5 .65 .35 .2 0 360; L .85 .45 .85 1.1; Q .85 1.1 .85 1.5 .2 1.25"},
        /* h */ {"L 0 0 0 1; L 1 0 1 1; L 0 .5 1 .5",
                 "L 0 0 0 1; A .45 .7 .45 .25 180 360; L .9 .7 .9 1"},
        /* i */ {"L .5 0 .5 1",
                 "L .5 0 .5 1; L .2 0 .8 0; L .2 1 .8 1",
                 "L .5 .45 .5 1; L .5 .2 .5 .26"},
        /* j */ {"L .7 0 .7 .7; A .4 .7 .3 .3 0 180",
                 "L .3 0 1 0; L .7 0 .7 .7; A .4 .7 .3 .3 0 180",
                 "L .6 .45 .6 1.15; A .3 1.15 .3 .25 0 150; L .6 .2 .6 .26"},
        /* k */ {"L 0 0 0 1; L 1 0 0 .55; L .3 .4 1 1",
                 "L 0 0 0 1; L .8 .45 0 .8; L .3 .7 .85 1"},
        /* l */ {"L 0 0 0 1; L 0 1 .8 1",
                 "L .5 0 .5 1",
                 "L .4 0 .4 .85; A .6 .85 .2 .15 180 90",
                 "Q .2 1 .9 .2 .55 0; Q .55 0 .1 .4 .3 .95; Q .3 .95 .45 1.05 .7 .9"},
        /* m */ {"L 0 1 0 0; L 0 0 .5 .6; L .5 .6 1 0; L 1 0 1 1",
                 "L 0 1 0 0; L 0 0 .5 1; L .5 1 1 0; L 1 0 1 1",
                 "L 0 .45 0 1; A .25 .62 .25 .17 180 360; L .5 .62 .5 1; A .75 .62 .25 .17 180 360; L 1 .62 1 1"},
        /* n */ {"L 0 1 0 0; L 0 0 1 1; L 1 1 1 0",
                 "L 0 .45 0 1; A .45 .65 .45 .2 180 360; L .9 .65 .9 1"},
        /* o */ {"A .5 .5 .5 .5 0 360",
                 "A .5 .72 .4 .28 -80 290"},
        /* p */ {"L 0 0 0 1; A 0 .27 .9 .27 -90 90",
                 "L 0 .45 0 1.4; A .4 .72 .4 .28 0 360"},
        /* q */ {"A .5 .5 .5 .5 0 360; L .6 .7 1 1",
                 "L .8 .45 .8 1.4; A .4 .72 .4 .28 0 360",
                 "L .8 .45 .8 1.4; A .4 .72 .4 .28 0 360; L .8 1.4 1 1.28"},
        /* r */ {"L 0 0 0 1; A 0 .27 .9 .27 -90 90; L .3 .54 1 1",
                 "L 0 .45 0 1; A .4 .65 .4 .2 180 300"},
        /* s */ {"A .5 .27 .4 .27 -30 -270; A .5 .75 .45 .25 -90 150",
                 "C .9 .1 .5 -.1 -.1 .1 .45 .5; C .45 .5 1.1 .85 .6 1.1 .05 .9",
                 "A .5 .59 .35 .14 -30 -270; A .5 .86 .4 .14 -90 150"},
        /* t */ {"L 0 0 1 0; L .5 0 .5 1",
                 "L .4 .1 .4 .9; A .6 .9 .2 .1 180 90; L .1 .45 .8 .45"},
        /* u */ {"L 0 0 0 .6; A .5 .6 .5 .4 180 0; L 1 .6 1 0",
                 "L 0 .45 0 .8; A .45 .8 .45 .2 180 0; L .9 .45 .9 1",
                 "Q 0 .45 .45 1.55 .9 .45; L .9 .45 .9 1"},
        /* v */ {"L 0 0 .5 1; L .5 1 1 0",
                 "L 0 .45 .5 1; L .5 1 1 .45",
                 "Q 0 .45 .5 1.5 1 .35"},
        /* w */ {"L 0 0 .25 1; L .25 1 .5 .3; L .5 .3 .75 1; L .75 1 1 0",
                 "L 0 .45 .25 1; L .25 1 .5 .6; L .5 .6 .75 1; L .75 1 1 .45",
                 "Q 0 .45 .25 1.4 .5 .6; Q .5 .6 .75 1.4 1 .45"},
        /* x */ {"L 0 0 1 1; L 1 0 0 1",
                 "L 0 .45 1 1; L 1 .45 0 1"},
        /* y */ {"L 0 0 .5 .5; L 1 0 .5 .5; L .5 .5 .5 1",
                 "L 0 .45 .5 1; L 1 .45 .2 1.4",
                 "L 0 .45 0 .75; A .45 .75 .45 .2 180 0; L .9 .45 .9 1.2; A .5 1.2 .4 .2 0 150"},
        /* z */ {"L 0 0 1 0; L 1 0 0 1; L 0 1 1 1",
                 "L 0 .45 1 .45; L 1 .45 0 1; L 0 1 1 1",
                 "L 0 0 1 0; L 1 0 0 1; L 0 1 1 1; L .25 .5 .75 .5"},
    };

    // Declared after SOURCE: static initialisers run in textual order.
    /** TEMPLATES[letter] = variants, each a list of strokes. Index 0 = 'a'. */
    static final List<List<List<Stroke>>> TEMPLATES = build();

    private static List<List<List<Stroke>>> build() {
        if (SOURCE.length != 26) throw new AssertionError("need 26 letters, have " + SOURCE.length);
        List<List<List<Stroke>>> all = new ArrayList<>();
        for (int c = 0; c < 26; c++) {
            List<List<Stroke>> variants = new ArrayList<>();
            for (String v : SOURCE[c]) variants.add(parse((char) ('a' + c), v));
            all.add(List.copyOf(variants));
        }
        return List.copyOf(all);
    }

    static List<Stroke> parse(char letter, String template) {
        List<Stroke> strokes = new ArrayList<>();
        for (String s : template.split(";")) {
            String[] tok = s.trim().split("\\s+");
            char kind = tok[0].charAt(0);
            int want = switch (kind) {
                case 'L' -> 4;
                case 'A', 'Q' -> 6;
                case 'C' -> 8;
                default -> throw new AssertionError("letter " + letter + ": unknown stroke '" + s + "'");
            };
            if (tok.length != want + 1) throw new AssertionError("letter " + letter + ": stroke '" + s + "' needs " + want + " numbers");
            double[] p = new double[want];
            for (int i = 0; i < want; i++) p[i] = Double.parseDouble(tok[i + 1]);
            strokes.add(new Stroke(kind, p));
        }
        return List.copyOf(strokes);
    }
}
