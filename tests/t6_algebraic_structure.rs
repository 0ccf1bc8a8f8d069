//! T6-algebra: the Fourier support of operation tables (minimum p iff affine), the Gauss-sum closed forms,
//! the discrete-log basis, and sparse parity's single Walsh coefficient.

use super::{
    odd_part_is_linear, odd_slope,
    additive_off_zero, learnability, Learned, fibres_agree, invariant_structure, random_permutation, relabel,
    additive_separation, character_identity, character_support, closed_forms, is_affine,
    is_latin_square, log_basis, log_relabel, minimum_support, separability, sparse_parity, Table, operation_table, power_spectrum,
    predicted_nonzero, predicted_participation, random_affine, random_table, separable_solution,
    sparse_parity_labels, sparsity, walsh_hadamard, ROUND_OFF, WALSH_ZERO,
};
use grokking::analytic;
use grokking::measure::fourier::Fourier;
use grokking::measure::margin::min_margin;
use grokking::model::Batch;
use grokking::task::Operation;
use grokking::task::Task;
use proptest::prelude::*;

const PRIMES: [u32; 5] = [5, 7, 11, 13, 17];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Every table on Z_p has at least p coefficients and PR ≥ p; exactly p iff it is affine.
    #[test]
    fn t6_minimum_support_iff_affine(seed in any::<u64>(), i in 0usize..5, affine in any::<bool>()) {
        let p = PRIMES[i] as usize;
        let mut rng = grokking::rng::indexed(seed, 0);
        let table = if affine { random_affine(&mut rng, p) } else { random_table(&mut rng, p) };
        let s = sparsity(&power_spectrum(&table, &mut Fourier::new()), p);
        prop_assert!(s.nonzero >= p && s.participation >= p as f64 * (1.0 - ROUND_OFF), "{s:?}");
        prop_assert_eq!(s.nonzero == p, is_affine(&table));
        prop_assert_eq!((s.participation - p as f64).abs() < 1e-6, is_affine(&table));
    }

    /// The Gauss-sum closed forms for every operation at a random prime.
    #[test]
    fn t6_closed_forms_match_the_spectrum(i in 0usize..5, op in 0usize..7) {
        let (p, op) = (PRIMES[i], Operation::ALL[op]);
        let s = sparsity(&power_spectrum(&operation_table(op, p).unwrap(), &mut Fourier::new()), p as usize);
        prop_assert!((s.participation / predicted_participation(op, p) - 1.0).abs() < ROUND_OFF);
        prop_assert_eq!(s.nonzero, predicted_nonzero(op, p));
    }
}

/// Mutation: the dense closed form is wrong for + and the affine one wrong for ×, so swapping them fails.
#[test]
fn t6_swapped_closed_forms_fail() {
    let mut fourier = Fourier::new();
    let p = 13;
    let mut pr = |op| {
        sparsity(
            &power_spectrum(&operation_table(op, p).unwrap(), &mut fourier),
            13,
        )
        .participation
    };
    let (add, mul) = (pr(Operation::Add), pr(Operation::Mul));
    assert!((add / predicted_participation(Operation::Mul, p) - 1.0).abs() > 0.5);
    assert!((mul / predicted_participation(Operation::Add, p) - 1.0).abs() > 0.5);
}

/// × and ÷ have p − 1 coefficients in the discrete-log basis on the units; + does not.
#[test]
fn t6_log_basis_sparsifies_multiplication_only() {
    let mut fourier = Fourier::new();
    for p in [11u32, 23] {
        for (op, sparse) in [
            (Operation::Mul, true),
            (Operation::Div, true),
            (Operation::Add, false),
        ] {
            let relabelled = log_relabel(&operation_table(op, p).unwrap(), p);
            let s = sparsity(&power_spectrum(&relabelled, &mut fourier), p as usize - 1);
            assert_eq!(s.nonzero == p as usize - 1, sparse, "{op} p={p}: {s:?}");
        }
    }
}

/// a²+b² = φ(a)+ψ(b) with φ = ψ = x²: the re-indexed a+b network solves it on every pair with a+b's margin;
/// the unre-indexed one (the mutation φ = ψ = identity) does not; a²+ab+b² and a³+ab are not separable.
#[test]
fn t6_separable_operations_inherit_the_fourier_circuit() {
    for p in [5u32, 11, 23, 31] {
        let table = operation_table(Operation::SumSquares, p).unwrap();
        let (phi, psi) = additive_separation(&table).expect("a^2+b^2 is separable");
        let k = [1usize];
        let task = Task::Modular {
            op: Operation::SumSquares,
            p,
        };
        let batch = Batch::<f64>::new(&task.all_examples().unwrap());
        let gamma = min_margin(&separable_solution(&phi, &psi, p, &k).unwrap(), &batch);
        assert!(
            (gamma / analytic::margin(p, &k) - 1.0).abs() < ROUND_OFF,
            "p={p}: {gamma}"
        );
        let identity: Vec<usize> = (0..p as usize).collect();
        let unmapped = separable_solution(&identity, &identity, p, &k).unwrap();
        assert!(min_margin(&unmapped, &batch) < 0.0);
        for op in [Operation::QuadForm, Operation::CubicPlus, Operation::Mul] {
            assert!(
                additive_separation(&operation_table(op, p).unwrap()).is_none(),
                "{op}"
            );
        }
    }
}

/// The parity label's Walsh spectrum is one coefficient; a label that is not a parity has more.
#[test]
fn t6_sparse_parity_has_one_walsh_coefficient() {
    let walsh = walsh_hadamard(&sparse_parity_labels(8, 3));
    let support: Vec<usize> = (0..walsh.len())
        .filter(|&s| walsh[s].abs() > WALSH_ZERO)
        .collect();
    assert_eq!(support, vec![0b111]);
    let majority: Vec<f64> = (0..8usize)
        .map(|x| if x.count_ones() >= 2 { -1.0 } else { 1.0 })
        .collect();
    let support = walsh_hadamard(&majority)
        .iter()
        .filter(|v| v.abs() > WALSH_ZERO)
        .count();
    assert!(support > 1);
}


/// The character identity and the minimum-support theorem go red through their own pass flags with a wrong
/// prediction: the support of + used for - (and the reverse), and "minimal iff Latin square" or "always
/// minimal" in place of "minimal iff affine".
#[test]
fn t6_checks_fail_with_wrong_predictions() {
    let mut fourier = Fourier::new();
    let primes = [11, 23];
    assert!(character_identity(&primes, &mut fourier, character_support).unwrap().pass);
    fn swapped(op: Operation, klm: (usize, usize, usize), n: usize) -> bool {
        let other = if op == Operation::Add {
            Operation::Sub
        } else {
            Operation::Add
        };
        character_support(other, klm, n)
    }
    assert!(!character_identity(&primes, &mut fourier, swapped).unwrap().pass);
    assert!(minimum_support(40, &mut fourier, is_affine).pass);
    assert!(!minimum_support(40, &mut fourier, is_latin_square).pass);
    assert!(!minimum_support(40, &mut fourier, |_| true).pass);
}

/// The closed forms, the log basis, separability and sparse parity go red through their own pass flags with
/// a wrong prediction: multiplication's participation ratio for addition, support sizes off by one, the log
/// basis with two output labels exchanged (no longer affine), the separable set without a^2 + b^2, and the
/// majority of three bits in place of their parity.
#[test]
fn t6_exact_checks_fail_with_wrong_predictions() {
    let mut fourier = Fourier::new();
    let primes = [11, 23];
    assert!(closed_forms(&primes, &mut fourier, predicted_participation, predicted_nonzero).unwrap().pass);
    fn add_as_mul(op: Operation, p: u32) -> f64 {
        predicted_participation(if op == Operation::Add { Operation::Mul } else { op }, p)
    }
    assert!(!closed_forms(&primes, &mut fourier, add_as_mul, predicted_nonzero).unwrap().pass);
    fn one_more(op: Operation, p: u32) -> usize {
        predicted_nonzero(op, p) + 1
    }
    assert!(!closed_forms(&primes, &mut fourier, predicted_participation, one_more).unwrap().pass);

    assert!(log_basis(&primes, &mut fourier, log_relabel).unwrap().pass);
    fn outputs_exchanged(table: &[Option<usize>], p: u32) -> Table {
        log_relabel(table, p)
            .into_iter()
            .map(|c| c.map(|c| match c {
                0 => 1,
                1 => 0,
                c => c,
            }))
            .collect()
    }
    assert!(!log_basis(&primes, &mut fourier, outputs_exchanged).unwrap().pass);

    assert!(separability(23, &["add", "sub", "sum_squares"]).unwrap().pass);
    assert!(!separability(23, &["add", "sub"]).unwrap().pass);

    assert!(sparse_parity(sparse_parity_labels).pass);
    fn majority(n_bits: u32, k: u32) -> Vec<f64> {
        (0..1usize << n_bits)
            .map(|x| {
                let ones = (x & ((1 << k) - 1)).count_ones();
                if 2 * ones > k { -1.0 } else { 1.0 }
            })
            .collect()
    }
    assert!(!sparse_parity(majority).pass);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// The fibre test is necessary for additive representability: every table sigma(phi(a) + psi(b)) with
    /// random maps phi, psi and a random bijection sigma passes it; and it is invariant: a random
    /// relabelling of a random table keeps its verdict (random tables fail it).
    #[test]
    fn t6_fibre_test_is_necessary_and_invariant(seed in any::<u64>(), i in 0usize..5) {
        use rand::Rng;
        let n = PRIMES[i] as usize;
        let mut rng = grokking::rng::indexed(seed, 0);
        let phi: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        let psi: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        let sigma = random_permutation(&mut rng, n);
        let table: Table = (0..n * n).map(|ab| Some(sigma[(phi[ab / n] + psi[ab % n]) % n])).collect();
        prop_assert!(fibres_agree(&table));
        let random = random_table(&mut rng, n);
        let verdict = fibres_agree(&random);
        let (pi, rho, tau) = (
            random_permutation(&mut rng, n),
            random_permutation(&mut rng, n),
            random_permutation(&mut rng, n),
        );
        prop_assert_eq!(fibres_agree(&relabel(&random, &pi, &rho, &tau)), verdict);
        prop_assert_eq!(fibres_agree(&relabel(&table, &pi, &rho, &tau)), true);
    }
}

/// The invariant definition's check: the fibre test passes it; the Fourier-support definition in the
/// given labelling (is_affine) fails it (not invariant, and it rejects a^2+b^2), as do a predicted set that
/// adds multiplication and one that drops a^2+b^2.
#[test]
fn t6_invariant_definition_fails_with_wrong_definitions() {
    let ledger = ["add", "sub", "sum_squares"];
    assert!(invariant_structure(23, 40, fibres_agree, &ledger).unwrap().pass);
    assert!(!invariant_structure(23, 40, is_affine, &ledger).unwrap().pass);
    assert!(!invariant_structure(23, 40, is_affine, &["add", "sub"]).unwrap().pass, "not invariant");
    assert!(!invariant_structure(23, 40, fibres_agree, &["add", "sub", "mul", "sum_squares"]).unwrap().pass);
    assert!(!invariant_structure(23, 40, fibres_agree, &["add", "sub"]).unwrap().pass);
}

/// The learnability predictor (the fibre test off the pairs with a 0) accepts exactly +, -, x, /, a^2+b^2.
#[test]
fn t6_additive_off_zero_accepts_the_learned_operations() {
    for p in [11u32, 23, 31] {
        let accepted: Vec<&str> = Operation::ALL
            .into_iter()
            .filter(|&op| additive_off_zero(&operation_table(op, p).unwrap()))
            .map(|op| op.name())
            .collect();
        assert_eq!(accepted, ["add", "sub", "mul", "div", "sum_squares"], "p = {p}");
    }
}

/// The learnability check on hand-built runs where its claim holds (five operations at 0.99, two at
/// 0.03) passes, and goes red with the Fourier-sparsity predictor (is_affine: x, /, a^2+b^2 "not
/// learnable"), a predictor that accepts everything, a learned operation whose seed ends at 0.5, and an
/// operation without runs.
#[test]
fn t6_learnability_fails_with_wrong_predictors() {
    let design = (23, 0.7, 2, 5000);
    let runs: Vec<Learned> = Operation::ALL
        .into_iter()
        .flat_map(|op| {
            let test_acc = if additive_off_zero(&operation_table(op, 23).unwrap()) { 0.99 } else { 0.03 };
            (0..2).map(move |seed| Learned { op, seed, test_acc, t_grok: None })
        })
        .collect();
    assert!(learnability(design, &runs, additive_off_zero).unwrap().pass);
    assert!(!learnability(design, &runs, is_affine).unwrap().pass);
    fn everything(_: &[Option<usize>]) -> bool {
        true
    }
    assert!(!learnability(design, &runs, everything).unwrap().pass);
    let mut half = runs.clone();
    half[1].test_acc = 0.5;
    assert!(!learnability(design, &half, additive_off_zero).unwrap().pass);
    let without_div: Vec<Learned> = runs.iter().copied().filter(|r| r.op != Operation::Div).collect();
    assert!(!learnability(design, &without_div, additive_off_zero).unwrap().pass);
    assert!(!learnability(design, &[], additive_off_zero).unwrap().pass);
}

/// The odd part of a bias-free net is linear with the activation's odd slope; a slope of 0 for ReLU
/// (an even net) or of 1 for z^2 fails.
#[test]
fn t6_odd_part_fails_with_wrong_slopes() {
    use grokking::model::Activation;
    assert!(odd_part_is_linear(odd_slope).unwrap().pass);
    fn even_relu(a: Activation) -> f64 {
        if a == Activation::Relu { 0.0 } else { odd_slope(a) }
    }
    fn odd_quad(a: Activation) -> f64 {
        if a == Activation::Quad { 1.0 } else { odd_slope(a) }
    }
    assert!(!odd_part_is_linear(even_relu).unwrap().pass);
    assert!(!odd_part_is_linear(odd_quad).unwrap().pass);
}
