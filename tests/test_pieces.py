"""Random batches computed in length-sorted pieces give the padded batch's loss and gradients, for less compute."""

import copy
import itertools
import random

import pytest
import torch
from test_packing import tiny_classifier
from transformers import (
    AutoModelForMaskedLM,
    AutoModelForQuestionAnswering,
    AutoModelForTokenClassification,
    AutoTokenizer,
    DataCollatorForTokenClassification,
    MarianConfig,
    MarianMTModel,
)

from llmkit import pieces
from llmkit.runner import count_tokens
from recipes import translation

SOURCES = ["A dog.", "A man rides a red bicycle down a long and winding road.", "Two cats.", "It rains today."]
TARGETS = [
    "Ein Hund.",
    "Ein Mann fährt ein rotes Fahrrad eine lange, kurvige Straße hinunter.",
    "Zwei Katzen.",
    "Es regnet.",
]


def cost(sizes, ends, piece_cost):
    whole = len(sizes) * sum(max(column) for column in zip(*sizes, strict=True))
    total, start = 0, 0
    for end in ends:
        total += (end - start) * sum(max(column) for column in zip(*sizes[start:end], strict=True)) + piece_cost * whole
        start = end
    return total


def test_split_points_are_the_cheapest_cuts():
    rng = random.Random(0)
    for _ in range(200):
        count = rng.randint(1, 8)
        sizes = sorted(([rng.randint(1, 40), rng.randint(1, 40)] for _ in range(count)), key=lambda s: -sum(s))
        cheapest = min(
            cost(sizes, [*cuts, count], 0.05)
            for k in range(count)
            for cuts in itertools.combinations(range(1, count), k)
        )
        ends = pieces.split_points(sizes, 0.05)
        assert ends[-1] == count and ends == sorted(set(ends))
        assert cost(sizes, ends, 0.05) == pytest.approx(cheapest)


def test_split_points_cut_only_where_it_pays():
    assert pieces.split_points([[9, 9]] * 6) == [6]  # equal lengths: one piece
    assert pieces.split_points([[30, 30]] * 4 + [[3, 3]] * 4) == [4, 8]
    assert pieces.split_points([[30, 30]] * 4 + [[3, 3]] * 4, piece_cost=1.0) == [8]  # pieces too dear to cut
    assert pieces.split_points([]) == []


def tiny_marian() -> torch.nn.Module:
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=300, d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, pad_token_id=0, decoder_start_token_id=0,
        eos_token_id=1, max_position_embeddings=64,
    )  # fmt: skip
    return MarianMTModel(config)


def model_and_features(form, tiny_bert, tiny_gpt2):
    """A tiny model of `form` and four encoded pairs of very different lengths."""
    if form == "seq2seq":
        generator = torch.Generator().manual_seed(1)

        def ids(n):
            return [*torch.randint(2, 300, (n,), generator=generator).tolist(), 1]

        lengths = [(2, 3), (14, 16), (3, 2), (5, 6)]
        return tiny_marian(), [{"input_ids": ids(s), "labels": ids(t), "index": i} for i, (s, t) in enumerate(lengths)]
    name = tiny_gpt2 if form == "decoder-only" else tiny_bert
    spec = translation.TranslationModelConfig(
        name=str(name), init="pretrained", form=form, decoder=str(tiny_gpt2), decoder_init="pretrained"
    )
    tokenizers = translation.build_tokenizers(spec, TARGETS)
    torch.manual_seed(0)
    model = translation.build_model(spec, tokenizers)
    translation.configure_generation(model, tokenizers, translation.Config(model=spec))  # start and pad ids
    pairs = translation.Pairs(SOURCES, TARGETS)
    return model, translation.encode_pairs(pairs, tokenizers, form, translation.DataConfig(), "")


def loss_and_gradients(model, batch):
    model.zero_grad()
    loss = model(**{k: v for k, v in batch.items() if not k.startswith("meta_")}).loss
    loss.backward()
    return loss.detach(), {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("form", ["seq2seq", "decoder-only", "encoder-decoder"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_pieces_give_the_padded_batchs_loss_and_gradients(form, smoothing, tiny_bert, tiny_gpt2):
    model, features = model_and_features(form, tiny_bert, tiny_gpt2)
    model.eval()  # no dropout: the two paths see the same computation
    own = copy.deepcopy(model)
    translation.own_loss(own, smoothing, form)
    pad_id = 0 if form == "seq2seq" else own.config.pad_token_id or 0

    def padded(batch_features):
        return translation.collate(batch_features, pad_id)

    keys = ("input_ids",) if form == "decoder-only" else translation.PAIR_KEYS
    in_pieces = pieces.PiecesCollator(padded, keys)(features)
    assert len(in_pieces[pieces.PIECE_ENDS]) >= 2  # the long pair is cut off from the short ones
    assert sorted(in_pieces["meta_index"].tolist()) == [0, 1, 2, 3]
    whole_loss, whole_grads = loss_and_gradients(own, padded(features))
    pieces_loss, pieces_grads = loss_and_gradients(own, in_pieces)
    torch.testing.assert_close(pieces_loss, whole_loss)
    assert whole_grads.keys() == pieces_grads.keys()
    for name, grad in whole_grads.items():
        torch.testing.assert_close(pieces_grads[name], grad, msg=name, atol=1e-6, rtol=1e-4)
    if smoothing == 0:  # the model's own loss, computed by the model from its labels
        own_model_loss, own_model_grads = loss_and_gradients(model, padded(features))
        torch.testing.assert_close(whole_loss, own_model_loss)
        for name, grad in own_model_grads.items():
            torch.testing.assert_close(whole_grads[name], grad, msg=name, atol=1e-6, rtol=1e-4)
    tokens, positions = count_tokens(in_pieces)
    assert tokens == int(in_pieces["attention_mask"].sum()) < positions < in_pieces["input_ids"].numel()


@pytest.mark.parametrize("kind", ["token classification", "masked LM"])
def test_token_losses_in_pieces_give_the_padded_batchs_loss_and_gradients(kind, tiny_bert):
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    torch.manual_seed(0)
    if kind == "masked LM":  # labels are token ids at the masked positions, -100 elsewhere
        model = AutoModelForMaskedLM.from_pretrained(tiny_bert).eval()
    else:
        model = AutoModelForTokenClassification.from_pretrained(tiny_bert, num_labels=5).eval()
    generator = torch.Generator().manual_seed(2)
    features = []
    for n in (3, 30, 4, 6, 28):
        labels = torch.randint(0, 5, (n,), generator=generator)
        labels[torch.rand(n, generator=generator) < 0.3] = -100  # later sub-tokens and special tokens
        features.append({"input_ids": torch.randint(5, 400, (n,), generator=generator).tolist(), "labels": labels})
    padded = DataCollatorForTokenClassification(tokenizer)
    own = copy.deepcopy(model)
    pieces.own_loss(own)
    in_pieces = pieces.PiecesCollator(padded, ("input_ids",))([{**f, "labels": f["labels"].tolist()} for f in features])
    assert len(in_pieces[pieces.PIECE_ENDS]) >= 2
    plain = padded([{**f, "labels": f["labels"].tolist()} for f in features])
    model_loss, model_grads = loss_and_gradients(model, plain)
    pieces_loss, pieces_grads = loss_and_gradients(own, in_pieces)
    torch.testing.assert_close(pieces_loss, model_loss)
    for name, grad in model_grads.items():
        torch.testing.assert_close(pieces_grads[name], grad, msg=name, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("attn_implementation", ["sdpa", "eager"])
def test_qa_windows_in_pieces_give_each_windows_own_loss_and_gradients(attn_implementation):
    """The span loss is the mean over windows of start and end cross-entropy, each window alone (no padding
    logits in its softmax; an answer past a window's end ignored), whether the batch runs whole or in pieces."""
    config = tiny_classifier(attn_implementation, num_labels=2).config  # start and end
    torch.manual_seed(0)
    plain = AutoModelForQuestionAnswering.from_config(config)
    own = copy.deepcopy(plain)
    pieces.own_span_loss(own)
    generator = torch.Generator().manual_seed(2)
    features = []
    for n in (9, 2, 5, 3, 1, 9, 4):
        start = int(torch.randint(0, n, (), generator=generator))
        ids = torch.randint(1, 50, (n,), generator=generator).tolist()
        features.append({"input_ids": ids, "start_positions": start, "end_positions": min(start + 1, n - 1)})
    features[3]["end_positions"] = 4  # past its 3-token window, inside the batch: ignored

    def collate(batch_features):
        width = max(len(f["input_ids"]) for f in batch_features)
        mask = [[1] * len(f["input_ids"]) + [0] * (width - len(f["input_ids"])) for f in batch_features]
        batch = {
            "input_ids": torch.tensor([f["input_ids"] + [0] * (width - len(f["input_ids"])) for f in batch_features]),
            "attention_mask": torch.tensor(mask),
        }
        batch["token_type_ids"] = torch.zeros_like(batch["input_ids"])
        for key in ("start_positions", "end_positions"):
            batch[key] = torch.tensor([f[key] for f in batch_features])
        return batch

    in_pieces = pieces.PiecesCollator(collate, ("input_ids",))(features)
    assert len(in_pieces[pieces.PIECE_ENDS]) >= 2
    pieces_loss, pieces_grads = loss_and_gradients(own, in_pieces)
    whole_loss, whole_grads = loss_and_gradients(own, collate(features))
    plain.zero_grad()
    starts, ends = [], []
    for i, feature in enumerate(features):
        alone = collate([feature])
        answers = alone.pop("start_positions"), alone.pop("end_positions")
        output = plain(**alone)
        starts.append(torch.nn.functional.cross_entropy(output.start_logits, answers[0]))
        if i != 3:
            ends.append(torch.nn.functional.cross_entropy(output.end_logits, answers[1]))
    reference = (torch.stack(starts).mean() + torch.stack(ends).mean()) / 2
    reference.backward()
    torch.testing.assert_close(pieces_loss, reference.detach())
    torch.testing.assert_close(whole_loss, reference.detach())
    for name, parameter in plain.named_parameters():
        torch.testing.assert_close(pieces_grads[name], parameter.grad, msg=name, atol=1e-6, rtol=1e-4)
        torch.testing.assert_close(whole_grads[name], parameter.grad, msg=name, atol=1e-6, rtol=1e-4)
    # Prediction (no answer positions) runs the model's own forward.
    batch = collate(features)
    del batch["start_positions"], batch["end_positions"]
    torch.testing.assert_close(own(**batch).start_logits, plain(**batch).start_logits)


def test_left_padded_batches_are_refused():
    def left(features):
        return {"input_ids": torch.tensor([[0, 5], [6, 7]]), "attention_mask": torch.tensor([[0, 1], [1, 1]])}

    with pytest.raises(ValueError, match="right-padded"):
        pieces.PiecesCollator(left, ("input_ids",))([{"input_ids": [5]}, {"input_ids": [6, 7]}])


def test_a_batch_without_padding_runs_whole():
    def unpadded(features):  # the masked-LM collator leaves the mask out when nothing is padded
        return {"input_ids": torch.tensor([f["input_ids"] for f in features])}

    batch = pieces.PiecesCollator(unpadded, ("input_ids",))([{"input_ids": [5, 6]}, {"input_ids": [7, 8]}])
    assert pieces.PIECE_ENDS not in batch


def test_split_trims_each_piece_to_its_own_longest():
    batch = {
        "input_ids": torch.tensor([[5, 6, 7, 8], [5, 6, 0, 0], [5, 0, 0, 0]]),
        "attention_mask": torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]]),
        "labels": torch.tensor([[9, 9, -100], [9, 9, 9], [9, -100, -100]]),
    }
    first, second = pieces.split(batch, torch.tensor([1, 3]), labels_follow_inputs=False)
    assert first["input_ids"].tolist() == [[5, 6, 7, 8]] and first["labels"].tolist() == [[9, 9]]
    assert second["input_ids"].tolist() == [[5, 6], [5, 0]] and second["labels"].tolist() == [
        [9, 9, 9],
        [9, -100, -100],
    ]
    batch["labels"] = torch.tensor([[-100, 6, 7, 8], [-100, 6, -100, -100], [5, -100, -100, -100]])
    first, second = pieces.split(batch, torch.tensor([1, 3]), labels_follow_inputs=True)  # a causal LM's labels
    assert second["labels"].tolist() == [[-100, 6], [5, -100]]
