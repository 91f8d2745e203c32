// The payment step with Stripe: the card element turns the card into a PaymentMethod id, which the form
// posts; a payment needing the bank's confirmation is completed with handleCardAction, then we re-read it.
(function () {
  var form = document.getElementById("stripe-payment-form");
  if (!form || !window.Stripe) { return; }
  var stripe = window.Stripe(form.dataset.publishableKey);
  var secret = document.getElementById("client-secret");
  if (secret) {
    stripe.handleCardAction(secret.dataset.secret).then(function () { window.location = form.dataset.returnUrl; });
  }
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  form.addEventListener("submit", function (event) {
    if (document.getElementById("id_card").value) { return; }
    event.preventDefault();
    stripe.createPaymentMethod({type: "card", card: card}).then(function (result) {
      if (result.error) { document.getElementById("card-errors").textContent = result.error.message; return; }
      document.getElementById("id_card").value = result.paymentMethod.id;
      form.submit();
    });
  });
})();
