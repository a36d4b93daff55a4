package gmvae4j.cli.report;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.eval.LabelEfficiency;
import gmvae4j.engine.eval.LabelEfficiency.Bound;
import org.junit.jupiter.api.Test;

class HeadlineTest {

    @Test void labelCountsReadOffTheSweepAreSaidWithTheirBound() {
        assertEquals("about 680 labels", Headline.labels(new LabelEfficiency.Need(683 / 26000.0, Bound.EXACT), 26000));
        assertEquals("more than 832 labels", Headline.labels(new LabelEfficiency.Need(0.032, Bound.MORE_THAN), 26000));
        assertEquals("at most 26 labels", Headline.labels(new LabelEfficiency.Need(0.001, Bound.AT_MOST), 26000));
        assertEquals(97, Headline.roundTwoDigits(97));
        assertEquals(1200, Headline.roundTwoDigits(1234));
        assertEquals(1300, Headline.roundTwoDigits(1250));
    }

    @Test void theSentenceOpensTheReport() throws Exception {
        ExperimentReport r = ReportWriterTest.report();
        String h = Headline.of(r);
        // 4 labels of 2,000 for 5 classes: not a whole number per class, so the fraction is given
        assertTrue(h.matches("With 4 labels \\(0\\.2%\\) the GMVAE names \\d+\\.\\d% of the other 1,996 images correctly "
                + "\\(soft-dot, transductive\\); logistic regression needs more than 20 labels for that \\(> \\d+(\\.\\d)?x\\)\\."), h);
        assertTrue(Markdown.render(r).startsWith(h + "\n\n# gmvae4j label-efficiency report: synthetic"));
    }
}
