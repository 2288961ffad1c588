from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Nobody signs up through allauth's generic form: companies have their own SIRET + member-number
        # sign-up, and provider accounts are created by a référent or by Constructys.
        return False
