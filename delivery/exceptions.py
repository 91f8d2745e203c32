from pharmacy.exceptions import DomainError


class DeliveryMethodUnavailable(DomainError):
    code = "delivery_method_unavailable"
    default_message = "Choose one of the delivery methods offered."
