//! Fitting the score's logistic model on labelled feature vectors.

use crate::score::{Model, N_FEATURES};

/// Fits a logistic model by full-batch gradient descent with L2 regularisation and
/// balanced class weights. Deterministic: no randomness, fixed iteration count.
pub fn fit_logistic(rows: &[([f64; N_FEATURES], bool)], l2: f64, iterations: usize) -> Model {
    let mut model = Model {
        bias: 0.0,
        weights: [0.0; N_FEATURES],
    };
    let pos = rows.iter().filter(|r| r.1).count().max(1) as f64;
    let neg = (rows.len() as f64 - pos).max(1.0);
    let n = rows.len().max(1) as f64;
    let rate = 2.0;
    for _ in 0..iterations {
        let mut grad_b = 0.0;
        let mut grad = [0.0; N_FEATURES];
        for (x, y) in rows {
            let p = model.score(x);
            let weight = if *y { n / (2.0 * pos) } else { n / (2.0 * neg) };
            let err = (p - f64::from(u8::from(*y))) * weight;
            grad_b += err;
            for (g, v) in grad.iter_mut().zip(x) {
                *g += err * v;
            }
        }
        model.bias -= rate * grad_b / n;
        for (w, g) in model.weights.iter_mut().zip(grad) {
            *w -= rate * (g / n + l2 * *w);
        }
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_feature() {
        let mut rows = Vec::new();
        for i in 0..50 {
            let mut x = [0.0; N_FEATURES];
            x[0] = f64::from(i % 2);
            x[1] = 0.5;
            rows.push((x, i % 2 == 1));
        }
        let m = fit_logistic(&rows, 1e-4, 2000);
        assert!(m.weights[0] > 3.0, "{:?}", m.weights);
        let mut on = [0.0; N_FEATURES];
        on[0] = 1.0;
        assert!(m.score(&on) > 0.9 && m.score(&[0.0; N_FEATURES]) < 0.1);
    }
}
