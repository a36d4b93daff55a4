package gmvae4j.engine.gmvae;

import static gmvae4j.engine.ReferenceAgainstPyTorchTest.close;
import static gmvae4j.engine.ReferenceAgainstPyTorchTest.fixture;

import gmvae4j.engine.NamedParam;
import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mixture ELBO with a trainable prior against PyTorch (fixture mixture_prior.txt, written by
 * engine/src/test/python/make_reference.py): the prior's means μ_c, log-variances log σ²_c and
 * mixing logits α get their gradients through the pairs log-density, the responsibilities γ and
 * a Gaussian KL against each image's assigned component. Before this fixture only the encoder
 * side of the KL was compared with PyTorch (the prior there was a fixed N(0, I)).
 */
class MixturePriorAgainstPyTorchTest {

    @Test
    void termsAndPriorGradientsMatchPyTorch() throws IOException {
        Map<String, float[]> f = fixture("mixture_prior.txt");
        int b = 5, d = 6, z = 3, k = 4;
        Params p = new Params();
        Tensor logits = p.add("logits", b, d).copyFrom(f.get("logits"), 0);
        Tensor mu = p.add("mu", b, z).copyFrom(f.get("mu"), 0), logVar = p.add("logvar", b, z).copyFrom(f.get("logvar"), 0);
        Tensor priorMu = p.add("prior.mu", k, z).copyFrom(f.get("prior.mu"), 0);
        Tensor priorLogVar = p.add("prior.logvar", k, z).copyFrom(f.get("prior.logvar"), 0);
        Tensor alpha = p.add("alpha", 1, k).copyFrom(f.get("alpha"), 0);
        int[] assign = new int[b];
        for (int i = 0; i < b; i++) assign[i] = (int) f.get("assign")[i];

        Tape t = new Tape();
        Tensor x = t.input(f.get("x"), 0, b, d);
        Tensor eps = t.input(f.get("eps"), 0, b, z);
        Tensor sample = t.add(mu, t.mul(t.exp(t.mul(logVar, 0.5f)), eps));
        Tensor logPi = t.logSoftmax(alpha);
        MixtureElbo.Terms terms = MixtureElbo.terms(t, x, logits, mu, logVar, sample, priorMu, priorLogVar, logPi);
        Tensor kl = t.gaussianKl(mu, logVar, t.gatherRows(priorMu, assign), t.gatherRows(priorLogVar, assign));
        Tensor perImage = t.add(t.add(t.add(terms.reconstruction(), terms.zPrior()), t.add(terms.entropy(), terms.categorical())), kl);
        Tensor loss = t.mean(perImage);
        p.zeroGrad();
        t.backward(loss);

        close("z", f.get("z"), sample.toArray());
        close("gamma", f.get("gamma"), MixtureElbo.responsibilities(t, sample, priorMu, priorLogVar, logPi).toArray());
        close("rec", f.get("rec"), terms.reconstruction().toArray());
        close("zprior", f.get("zprior"), terms.zPrior().toArray());
        close("entropy", f.get("entropy"), terms.entropy().toArray());
        close("categorical", f.get("categorical"), terms.categorical().toArray());
        close("kl", f.get("kl"), kl.toArray());
        close("loss", f.get("loss"), loss.toArray());
        for (NamedParam np : p.list()) close("grad." + np.name(), f.get("grad." + np.name()), np.tensor().gradToArray());
    }
}
