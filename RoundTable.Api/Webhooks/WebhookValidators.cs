using FluentValidation;
using RoundTable.Api.Changes;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Webhooks;

internal sealed class CreateWebhookRequestValidator : AbstractValidator<CreateWebhookRequest>
{
    public CreateWebhookRequestValidator(WebhookTargets targets)
    {
        RuleFor(r => r.Url).NotEmpty().MaximumLength(2000)
            .Custom((url, context) =>
            {
                if (!string.IsNullOrEmpty(url) && url.Length <= 2000 && targets.Refusal(url) is { } refusal)
                {
                    context.AddFailure(refusal);
                }
            });
        RuleFor(r => r.Description).MaximumLength(500);
        RuleFor(r => r.Types).MaxItems(Enum.GetValues<ChangeType>().Length)
            .Must(t => t is null || t.Count > 0).WithMessage("types lists one or more change types; omit it for every type.");
        RuleForEach(r => r.Types).IsInEnum();
        RuleFor(r => r.Operations).MaxItems(3)
            .Must(o => o is null || o.Count > 0).WithMessage("operations lists one or more of created, updated, deleted; omit it for all three.");
        RuleForEach(r => r.Operations).IsInEnum();
    }
}
